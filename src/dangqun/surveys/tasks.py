"""Background work for 问卷调查, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangqun.surveys import tallies, unlink


@db_periodic_task(crontab(hour="3", minute="50"))
def check_tallies() -> int:
    """Every night: the tallies of open (and just closed) surveys recounted from the responses."""
    return tallies.nightly_check()


@db_periodic_task(crontab(minute="*/5"))
def shuffle_answers() -> int:
    """Every five minutes: anonymous surveys' new answers re-stored apart from who answered."""
    return unlink.shuffle_due()


@db_task()
def shuffle_now(survey_id: int) -> int:
    return unlink.shuffle(survey_id)
