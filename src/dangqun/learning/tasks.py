"""Background work for 学习培训, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangqun.learning import ledger


@db_periodic_task(crontab(hour="3", minute="40"))
def check_ledger() -> int:
    """Every night: this year's 学时 recounted from their sources (a rule or a post changed, a
    record amended); entries that were wrong are corrected and logged."""
    return ledger.nightly_check()


@db_periodic_task(crontab(minute="*/10"))
def exam_rounds() -> int:
    """Every ten minutes: attempts left open past their deadline are graded from what was saved,
    and the exam notices (opened; closes tomorrow) go out once."""
    from dangqun.learning import exam_notices, exams
    from dangqun.learning.exam_models import Attempt

    return exams.settle(Attempt.objects.all()) + exam_notices.send()
