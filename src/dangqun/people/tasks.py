"""Background work for people: processing an uploaded import file, and sweeping old error files.

The task stays here, registered as ``dangqun.people.tasks.run_import``, so that a job queued
before an upgrade still finds it; its body is ``imports.run.run_job``."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangqun.core.imports.files import sweep_error_files
from dangqun.people.imports.run import run_job
from dangqun.people.models import ImportJob


@db_task()
def run_import(job_id: int) -> None:
    """Validate and write one ImportJob; progress is saved on the job as it goes."""
    run_job(job_id)


@db_periodic_task(crontab(hour="4", minute="10"))
def sweep_import_error_files() -> int:
    """Every night: delete the error files of imports finished more than 30 days ago."""
    return sweep_error_files(ImportJob)
