"""Running an import job (the Huey task's body): read, plan, report the errors, write in chunks,
and keep the job's status and progress up to date for the page."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from dangqun.accounts.roles import IMPORT_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core import audit
from dangqun.people.imports import sheets
from dangqun.people.imports.files import error_file_path, import_dir
from dangqun.people.imports.plan import Planner
from dangqun.people.imports.read import ImportFileError, read_table
from dangqun.people.imports.rows import ParsedRow
from dangqun.people.imports.write import Writer
from dangqun.people.models import ImportJob

logger = logging.getLogger(__name__)

CHUNK = 2000  # rows per write transaction
MAX_STORED_ERRORS = 1000  # errors kept on the job for the page; the error file has them all
Status = ImportJob.Status


def _progress(job: ImportJob, **fields) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _error_list(rows: list[ParsedRow]) -> list[dict]:
    return [
        {"row": row.number, "column": column, "message": message}
        for row in rows
        for column, message in row.errors
    ]


def run_job(job_id: int) -> None:
    """Process one queued import job (called by the Huey task)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.VALIDATING
    )
    if not claimed:
        return  # unknown, or already taken by another worker
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    path = import_dir() / job.stored_file
    try:
        _run(job, path)
    except ImportFileError as exc:
        _finish(
            job,
            Status.INVALID,
            message=str(exc),
            errors=[{"row": None, "column": "", "message": str(exc)}],
        )
    except Exception:
        logger.exception("import job %s failed", job.pk)
        written = job.created_count + job.updated_count
        _finish(
            job,
            Status.FAILED,
            message=(
                f"导入中断：已写入 {written} 人，其余未写入。请稍后重新导入同一文件，"
                "已写入的人员不会重复。如仍失败，请联系系统管理员。"
                if job.status == Status.IMPORTING
                else "处理文件时发生内部错误，未导入任何数据。请联系系统管理员。"
            ),
        )
    finally:
        path.unlink(missing_ok=True)


def _finish(job: ImportJob, status: str, **fields) -> None:
    _progress(job, status=status, finished_at=timezone.now(), **fields)


def _run(job: ImportJob, path: Path) -> None:
    actor = job.created_by
    if not Scope.of(actor).has(IMPORT_PEOPLE):
        raise ImportFileError("您已没有导入人员的权限")
    started = time.perf_counter()
    table = read_table(path, job.file_name)
    _progress(job, total_rows=len(table.rows), processed_rows=0)
    read_at = time.perf_counter()
    planner = Planner(actor)
    rows, plans = planner.run(table, on_progress=lambda n: _progress(job, processed_rows=n))
    planned_at = time.perf_counter()
    invalid = [row for row in rows if row.errors]
    errors = _error_list(invalid)
    fields = {"errors": errors[:MAX_STORED_ERRORS]}
    if invalid:
        sheets.write_error_file(error_file_path(job), table.header, invalid)
    summary = f"共 {len(rows)} 行"
    if invalid:
        summary += f"，其中 {len(invalid)} 行有错误（{len(errors)} 处）"
        if len(errors) > MAX_STORED_ERRORS:
            summary += f"，下表列出前 {MAX_STORED_ERRORS} 处，全部错误见错误文件"
    if invalid and not job.valid_rows_only:
        _finish(
            job,
            Status.INVALID,
            message=summary + "。未导入任何数据：请修改后重新上传，或选择“仅导入无误的行”。",
            processed_rows=len(rows),
            **fields,
        )
        return
    changing = [plan for plan in plans if plan.is_change]
    unchanged = len(plans) - len(changing)
    # The bar now counts rows done: those with nothing to write are done already.
    skipped = len(rows) - len(changing)
    _progress(
        job,
        status=Status.IMPORTING,
        processed_rows=skipped,
        unchanged_count=unchanged,
        **fields,
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
    for start in range(0, len(changing), CHUNK):
        with transaction.atomic():
            writer.write(changing[start : start + CHUNK])
            _progress(
                job,
                processed_rows=skipped + min(len(changing), start + CHUNK),
                created_count=writer.created,
                updated_count=writer.updated,
            )
    logger.info(
        "import %s: %d rows read in %.1f s, checked in %.1f s, %d written in %.1f s",
        job.pk,
        len(rows),
        read_at - started,
        planned_at - read_at,
        len(changing),
        time.perf_counter() - planned_at,
    )
    message = (
        summary + f"：新增 {writer.created} 人，更新 {writer.updated} 人，未变化 {unchanged} 人"
    )
    if invalid:
        message += f"；有错误的 {len(invalid)} 行未导入，请下载错误文件，修改后重新导入"
    _finish(job, Status.DONE, message=message + "。", processed_rows=len(rows))
