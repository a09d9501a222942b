from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LearningConfig(AppConfig):
    name = "dangqun.learning"
    verbose_name = "学习培训"

    def ready(self):
        # import here: the sources read other apps' models, which only a ready registry allows
        from dangqun.learning import (  # noqa: F401  (they register)
            cards,
            people_changes,
            sources_classes,
            sources_exams,
            sources_life,
            sources_self_study,
        )

        post_migrate.connect(_fill_the_ledger, sender=self)


def _fill_the_ledger(sender, using="default", **kwargs):
    """After migrating, a site whose ledger is still empty derives it once from the records it
    already has (组织生活's finalised meetings), every year they span."""
    # import here: apps.py loads before the app registry is ready, the models cannot yet
    from dangqun.learning import ledger
    from dangqun.learning.models import LedgerEntry
    from dangqun.life.models import Meeting, Status

    if LedgerEntry.objects.using(using).exists():
        return
    years = Meeting.objects.using(using).filter(status=Status.FINALISED).dates("starts_at", "year")
    for day in years:
        ledger.rebuild(day.year)
