"""Background work for 问卷调查, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangqun.surveys import tallies


@db_periodic_task(crontab(hour="3", minute="50"))
def check_tallies() -> int:
    """Every night: the tallies of open (and just closed) surveys recounted from the responses."""
    return tallies.nightly_check()
