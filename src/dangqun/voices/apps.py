from django.apps import AppConfig
from django.db.models.signals import post_migrate

from dangqun.core import tallies, warmup


class VoicesConfig(AppConfig):
    name = "dangqun.voices"
    verbose_name = "群众呼声"

    def ready(self):
        # import here: voices.tally loads models, which only a ready app registry allows
        from dangqun.voices import cards, tally  # noqa: F401  (cards registers the 工作台's cards)

        post_migrate.connect(_count_stored_voices, sender=self)
        tallies.on_orgs_moved(tally.rebuild_for_orgs)
        warmup.register("voices.category_model", _warm_category_model)


def _count_stored_voices(sender, using="default", **kwargs):
    """After migrating, a site whose 三率 tallies are still empty counts its stored voices once
    (run here, with the current code, rather than in a migration that a later one would outdate)."""
    # import here: apps.py is loaded before any app's models
    from dangqun.voices import tally
    from dangqun.voices.models import Voice, VoiceTally

    if not VoiceTally.objects.using(using).exists() and Voice.objects.using(using).exists():
        tally.rebuild()


def _warm_category_model():
    """Read the category model (and jieba's dictionary) when a worker starts, not on the first
    suggestion."""
    # import here: the classifier loads jieba and scikit-learn, which only serving processes need
    from dangqun.voices import classifier

    classifier.warm()
