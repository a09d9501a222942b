"""Background work for 组织生活, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangqun.core.tallies import nightly_check
from dangqun.life import tally
from dangqun.life.meeting_files import sweep_orphan_files


@db_periodic_task(crontab(hour="2", minute="25"))
def sweep_orphan_meeting_files() -> int:
    """Every night: delete meeting files left by uploads whose transaction failed."""
    return sweep_orphan_files()


@db_periodic_task(crontab(hour="2", minute="50"))
def check_meeting_tallies() -> list[str]:
    """Every night: recount recent months of the meeting tallies the radar reads and correct
    any that drifted (only meetings changed around the services can make one drift)."""
    return nightly_check(tally.rebuild, "组织生活月度统计")
