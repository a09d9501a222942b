"""Background work for 学习培训, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangqun.learning import class_notify, external, ledger, material_notify, materials


@db_periodic_task(crontab(hour="3", minute="40"))
def check_ledger() -> int:
    """Every night: this year's 学时 recounted from their sources (a rule or a post changed, a
    record amended); entries that were wrong are corrected and logged."""
    return ledger.nightly_check()


@db_periodic_task(crontab(hour="9", minute="10"))
def remind_materials_due() -> int:
    """Every morning: the audience of a material due tomorrow who have not confirmed it (once)."""
    return material_notify.remind_due()


@db_periodic_task(crontab(hour="2", minute="35"))
def sweep_orphan_material_files() -> int:
    """Every night: delete material files left by saves whose transaction failed."""
    return materials.sweep_orphan_files()


@db_periodic_task(crontab(minute="15"))
def remind_classes_tomorrow() -> int:
    """Every hour: tell members enrolled in a class whose session starts within 24 hours (once)."""
    return class_notify.remind_tomorrow()


@db_periodic_task(crontab(hour="2", minute="35"))
def sweep_orphan_proofs() -> int:
    """Every night: delete external training proofs left by uploads whose transaction failed."""
    return external.sweep_orphan_files()


@db_periodic_task(crontab(minute="*/10"))
def exam_rounds() -> int:
    """Every ten minutes: attempts left open past their deadline are graded from what was saved,
    and the exam notices (opened; closes tomorrow) go out once."""
    from dangqun.learning import exam_notices, exams
    from dangqun.learning.exam_models import Attempt

    return exams.settle(Attempt.objects.all()) + exam_notices.send()
