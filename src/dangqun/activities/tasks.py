"""Background work for activities, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangqun.activities import notify, participation
from dangqun.core.tallies import nightly_check


@db_periodic_task(crontab(minute="*/10"))
def recount_participation() -> int:
    """This month's participation per unit (and last month's in the first week)."""
    return len(participation.recount_current())


@db_periodic_task(crontab(hour="3", minute="10"))
def check_participation() -> list[str]:
    """Every night: recount recent months and correct any that drifted (corrections to old
    activities' hours, people who moved)."""
    return nightly_check(participation.recount, "活动参与月度统计")


@db_periodic_task(crontab(minute="5"))
def remind_activities_tomorrow() -> int:
    """Every hour: tell people with a place at an activity starting within 24 hours (once)."""
    return notify.remind_tomorrow()
