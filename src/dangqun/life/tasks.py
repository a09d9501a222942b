"""Background work for 组织生活, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="2", minute="25"))
def sweep_orphan_meeting_files() -> int:
    """Every night: delete meeting files left by uploads whose transaction failed."""
    from dangqun.life.services import sweep_orphan_files

    return sweep_orphan_files()
