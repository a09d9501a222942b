"""Background work for people: processing an uploaded import file."""

from huey.contrib.djhuey import db_task


@db_task()
def run_import(job_id: int) -> None:
    """Validate and write one ImportJob; progress is saved on the job as it goes."""
    from dangqun.people.imports import run_job

    run_job(job_id)
