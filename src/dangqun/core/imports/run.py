"""Running an import job (its Huey task's body), the part every import shares: ``run_job`` claims
the job, runs the import's own body and records how it ended; the body calls the steps below to
report the rows' errors, stop on them unless the owner chose “仅导入无误的行”, write in chunks
with the job's progress, and say what was done.

One transaction per chunk rather than one for the whole file: every row has been checked before
the first write, so a chunk fails only on a database error or a concurrent edit; a single
100,000-row transaction would hold SQLite's write lock for the whole import (every other user's
save would time out) and would hide the progress from the page. If a chunk fails, the job says how
much was written, and importing the same file again completes it: each import is idempotent."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from dangqun.core.imports.files import (
    ImportFileError,
    error_file_path,
    import_dir,
    write_error_file,
)

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000  # errors kept on the job for the page; the error file has them all
INTERNAL_ERROR = "处理文件时发生内部错误，未导入任何数据。请联系系统管理员。"


def progress(job, **fields) -> None:
    """Save these fields on the job at once (the page polls them), outside the caller's object."""
    for key, value in fields.items():
        setattr(job, key, value)
    type(job).objects.filter(pk=job.pk).update(**fields)


def finish(job, status: str, **fields) -> None:
    progress(job, status=status, finished_at=timezone.now(), **fields)


def run_job(
    model,
    job_id: int,
    body: Callable[[object, Path], bool | None],
    *,
    interrupted: Callable[[object], str],
) -> None:
    """Claim a queued job and run ``body(job, path)``; a body returning True keeps the stored file
    (the job waits for its owner and runs again). A refused file ends the job as invalid; any other
    failure ends it as failed, with ``interrupted(job)`` once writing had begun."""
    Status = model.Status
    claimed = model.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.VALIDATING
    )
    if not claimed:
        return  # unknown, or already taken by another worker
    job = model.objects.select_related("created_by").get(pk=job_id)
    path = import_dir() / job.stored_file
    keep = False
    try:
        keep = bool(body(job, path))
    except ImportFileError as exc:
        message = str(exc)
        finish(
            job,
            Status.INVALID,
            message=message,
            errors=[{"row": None, "column": "", "message": message}],
        )
    except Exception:
        logger.exception("%s %s failed", model.__name__, job.pk)
        finish(
            job,
            Status.FAILED,
            message=interrupted(job) if job.status == Status.IMPORTING else INTERNAL_ERROR,
        )
    finally:
        if not keep:
            path.unlink(missing_ok=True)


def report_errors(job, header: list[str], rows: Sequence, invalid: Sequence) -> tuple[str, list]:
    """The invalid rows' errors: written to the error file, summed up in the job's message
    (returned) and listed on the job (the first ``MAX_STORED_ERRORS``, returned)."""
    errors = [
        {"row": row.number, "column": column, "message": message}
        for row in invalid
        for column, message in row.errors
    ]
    if invalid:
        write_error_file(error_file_path(job), header, invalid)
    summary = f"共 {len(rows)} 行"
    if invalid:
        summary += f"，其中 {len(invalid)} 行有错误（{len(errors)} 处）"
        if len(errors) > MAX_STORED_ERRORS:
            summary += f"，下表列出前 {MAX_STORED_ERRORS} 处，全部错误见错误文件"
    return summary, errors[:MAX_STORED_ERRORS]


def refused(job, summary: str, rows: Sequence, invalid: Sequence, **fields) -> bool:
    """End the job without writing anything when a row is wrong, unless the owner chose to
    import only the valid rows; True when it ended."""
    if not invalid or job.valid_rows_only:
        return False
    finish(
        job,
        job.Status.INVALID,
        message=summary + "。未导入任何数据：请修改后重新上传，或选择“仅导入无误的行”。",
        processed_rows=len(rows),
        **fields,
    )
    return True


def write_in_chunks(
    job, items: Sequence, size: int, write: Callable[[Sequence], dict], *, done_before: int
) -> None:
    """Write ``items`` ``size`` at a time, each chunk in one transaction with the job's progress:
    ``write(chunk)`` returns the job's counts after it; ``done_before`` rows were done already."""
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        with transaction.atomic():
            counts = write(chunk)
            progress(job, processed_rows=done_before + start + len(chunk), **counts)


def done(job, summary: str, written: str, rows: Sequence, invalid: Sequence) -> None:
    """End the job as done: ``summary`` + ``written`` (what was written) + the invalid rows left."""
    message = summary + written
    if invalid:
        message += f"；有错误的 {len(invalid)} 行未导入，请下载错误文件，修改后重新导入"
    finish(job, job.Status.DONE, message=message + "。", processed_rows=len(rows))
