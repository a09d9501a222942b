from django.apps import AppConfig
from django.db.models.signals import post_migrate


class VoicesConfig(AppConfig):
    name = "dangqun.voices"
    verbose_name = "群众呼声"

    def ready(self):
        post_migrate.connect(_count_stored_voices, sender=self)


def _count_stored_voices(sender, using="default", **kwargs):
    """After migrating, a site whose 三率 tallies are still empty counts its stored voices once
    (run here, with the current code, rather than in a migration that a later one would outdate)."""
    # import here: apps.py is loaded before any app's models
    from dangqun.voices import tally
    from dangqun.voices.models import Voice, VoiceTally

    if not VoiceTally.objects.using(using).exists() and Voice.objects.using(using).exists():
        tally.rebuild()
