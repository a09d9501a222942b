from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LifeConfig(AppConfig):
    name = "dangqun.life"
    verbose_name = "组织生活"

    def ready(self):
        # import here: the cards read models, which only a ready app registry allows
        from dangqun.life import cards  # noqa: F401  (registers the 工作台's cards)

        post_migrate.connect(_count_stored_meetings, sender=self)


def _count_stored_meetings(sender, using="default", **kwargs):
    """After migrating, a site whose monthly meeting tallies are still empty counts its stored
    meetings once (here, with the current code, rather than in a migration a later one outdates)."""
    # import here: apps.py loads before the app registry is ready, the models cannot yet
    from dangqun.life import tally
    from dangqun.life.models import Meeting, MeetingTally

    held = Meeting.objects.using(using).filter(status__in=tally.HELD)
    if not MeetingTally.objects.using(using).exists() and held.exists():
        tally.rebuild()
