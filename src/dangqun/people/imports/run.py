"""Running an import job of people (the Huey task's body) on ``core.imports.run``: read, plan,
report the errors, write in chunks, with the job's status and progress up to date for the page."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.db import transaction

from dangqun.accounts.roles import IMPORT_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core import audit
from dangqun.core.imports import run
from dangqun.core.imports.files import ImportFileError
from dangqun.people.imports.plan import Planner
from dangqun.people.imports.read import read_table
from dangqun.people.imports.write import Writer
from dangqun.people.models import ImportJob

logger = logging.getLogger(__name__)

CHUNK = 2000  # rows per write transaction
Status = ImportJob.Status


def run_job(job_id: int) -> None:
    """Process one queued import job (called by the Huey task)."""
    run.run_job(ImportJob, job_id, _run, interrupted=_interrupted)


def _interrupted(job: ImportJob) -> str:
    written = job.created_count + job.updated_count
    return (
        f"导入中断：已写入 {written} 人，其余未写入。请稍后重新导入同一文件，"
        "已写入的人员不会重复。如仍失败，请联系系统管理员。"
    )


def _run(job: ImportJob, path: Path) -> None:
    actor = job.created_by
    if not Scope.of(actor).has(IMPORT_PEOPLE):
        raise ImportFileError("您已没有导入人员的权限")
    started = time.perf_counter()
    table = read_table(path, job.file_name)
    run.progress(job, total_rows=len(table.rows), processed_rows=0)
    read_at = time.perf_counter()
    planner = Planner(actor)
    rows, plans = planner.run(table, on_progress=lambda n: run.progress(job, processed_rows=n))
    planned_at = time.perf_counter()
    invalid = [row for row in rows if row.errors]
    summary, errors = run.report_errors(job, table.header, rows, invalid)
    if run.refused(job, summary, rows, invalid, errors=errors):
        return
    changing = [plan for plan in plans if plan.is_change]
    unchanged = len(plans) - len(changing)
    # The bar now counts rows done: those with nothing to write are done already.
    skipped = len(rows) - len(changing)
    run.progress(
        job,
        status=Status.IMPORTING,
        processed_rows=skipped,
        unchanged_count=unchanged,
        errors=errors,
    )
    writer = Writer(job, actor)
    with transaction.atomic():
        audit.record(
            actor,
            "people.import",
            job,
            after={
                "file_name": job.file_name,
                "rows": len(rows),
                "invalid_rows": len(invalid),
                "to_write": len(changing),
                "unchanged": unchanged,
                "valid_rows_only": job.valid_rows_only,
            },
        )

    def write(chunk) -> dict:
        writer.write(chunk)
        return {"created_count": writer.created, "updated_count": writer.updated}

    run.write_in_chunks(job, changing, CHUNK, write, done_before=skipped)
    logger.info(
        "import %s: %d rows read in %.1f s, checked in %.1f s, %d written in %.1f s",
        job.pk,
        len(rows),
        read_at - started,
        planned_at - read_at,
        len(changing),
        time.perf_counter() - planned_at,
    )
    written = f"：新增 {writer.created} 人，更新 {writer.updated} 人，未变化 {unchanged} 人"
    run.done(job, summary, written, rows, invalid)
