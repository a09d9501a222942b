"""Background work for 发展党员, on Huey's schedule."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangqun.development.recording import sweep_orphan_files


@db_periodic_task(crontab(hour="2", minute="35"))
def sweep_orphan_case_files() -> int:
    """Every night: delete case files left by uploads whose transaction failed."""
    return sweep_orphan_files()
