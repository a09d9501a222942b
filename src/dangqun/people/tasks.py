"""Background work for people: processing an uploaded import file.

The task stays here, registered as ``dangqun.people.tasks.run_import``, so that a job queued
before an upgrade still finds it; its body is ``imports.run.run_job``."""

from huey.contrib.djhuey import db_task

from dangqun.people.imports.run import run_job


@db_task()
def run_import(job_id: int) -> None:
    """Validate and write one ImportJob; progress is saved on the job as it goes."""
    run_job(job_id)
