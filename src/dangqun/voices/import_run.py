"""Running an import of past voices (the Huey task's body), as the people import runs: read the
file, check every row (``importer``), stop for the owner to map names found nowhere, report the
errors (and their file), then write the new rows in chunks with the job's progress.

One transaction per chunk, as ``people.imports`` explains: a 100,000-row file must not hold
SQLite's write lock for its whole length, and the page must see the bar move. A chunk that fails
leaves the job saying how many were written; importing the same file again completes it (every
row's ``external_id`` is unique). Each chunk adds its voices to the 三率 tallies in the same
transaction, as ``Voice.save`` does for one voice."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope
from dangqun.core import audit, bulk
from dangqun.people.imports import sheets
from dangqun.people.imports.files import error_file_path, import_dir
from dangqun.people.imports.read import ImportFileError, read_table
from dangqun.voices import importer, tally
from dangqun.voices.models import Status as VoiceStatus
from dangqun.voices.models import Voice, VoiceEvent, VoiceImportJob

logger = logging.getLogger(__name__)

CHUNK = 5000  # rows per write transaction
MAX_STORED_ERRORS = 1000  # errors kept on the job for the page; the error file has them all
MAX_LISTED_ROWS = 20  # row numbers kept for each unknown name
Status = VoiceImportJob.Status


def _progress(job: VoiceImportJob, **fields) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    VoiceImportJob.objects.filter(pk=job.pk).update(**fields)


def _finish(job: VoiceImportJob, status: str, **fields) -> None:
    _progress(job, status=status, finished_at=timezone.now(), **fields)


def run_job(job_id: int) -> None:
    """Process one queued job (called by the Huey task ``voices.tasks.run_voice_import``)."""
    claimed = VoiceImportJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.VALIDATING
    )
    if not claimed:
        return  # unknown, or already taken by another worker
    job = VoiceImportJob.objects.select_related("created_by").get(pk=job_id)
    path = import_dir() / job.stored_file
    keep = False
    try:
        keep = _run(job, path)
    except ImportFileError as exc:
        message = str(exc)
        _finish(
            job,
            Status.INVALID,
            message=message,
            errors=[{"row": None, "column": "", "message": message}],
        )
    except Exception:
        logger.exception("voice import job %s failed", job.pk)
        _finish(
            job,
            Status.FAILED,
            message=(
                f"导入中断：已写入 {job.created_count} 条，其余未写入。请稍后重新导入同一文件，"
                "已写入的不会重复。如仍失败，请联系系统管理员。"
                if job.status == Status.IMPORTING
                else "处理文件时发生内部错误，未导入任何数据。请联系系统管理员。"
            ),
        )
    finally:
        if not keep:  # kept only while the job waits for the owner's mapping
            path.unlink(missing_ok=True)


def _run(job: VoiceImportJob, path: Path) -> bool:
    """Returns True when the job waits for a mapping (the file is kept for the second pass)."""
    actor = job.created_by
    if not Scope.of(actor).has(MANAGE_VOICES):
        raise ImportFileError("您已没有导入群众呼声的权限")
    started, cpu = time.perf_counter(), time.process_time()
    table = read_table(path, job.file_name)
    index, missing = importer.header_keys(table.header)
    if missing:
        raise ImportFileError(f"第 {table.header_row} 行缺少列：{'、'.join(missing)}")
    _progress(job, total_rows=len(table.rows), processed_rows=0)
    checked = importer.check_rows(
        actor,
        table.rows,
        index,
        mapping=job.mapping,
        history=job.unanswered_as_history,
        on_progress=lambda n: _progress(job, processed_rows=n),
    )
    read_at, read_cpu = time.perf_counter(), time.process_time()
    unknown = {
        kind: [
            {"name": name, "rows": numbers[:MAX_LISTED_ROWS], "count": len(numbers)}
            for name, numbers in sorted(names.items())
        ]
        for kind, names in checked.unknown.items()
        if names
    }
    if unknown:
        _progress(
            job,
            status=Status.MAPPING,
            unknown=unknown,
            processed_rows=0,
            message="文件中有系统里没有的类别或单位名称，请逐一对应到现有的类别或单位后继续导入。",
        )
        return True
    invalid = [row for row in checked.rows if row.errors]
    errors = [
        {"row": row.number, "column": column, "message": message}
        for row in invalid
        for column, message in row.errors
    ]
    if invalid:
        sheets.write_error_file(error_file_path(job), table.header, invalid)
    rows = checked.rows
    summary = f"共 {len(rows)} 行"
    if invalid:
        summary += f"，其中 {len(invalid)} 行有错误（{len(errors)} 处）"
        if len(errors) > MAX_STORED_ERRORS:
            summary += f"，下表列出前 {MAX_STORED_ERRORS} 处，全部错误见错误文件"
    fields = {"errors": errors[:MAX_STORED_ERRORS], "unknown": {}}
    if invalid and not job.valid_rows_only:
        _finish(
            job,
            Status.INVALID,
            message=summary + "。未导入任何数据：请修改后重新上传，或选择“仅导入无误的行”。",
            processed_rows=len(rows),
            **fields,
        )
        return False
    new = [row for row in rows if row.voice is not None and not row.errors and not row.done]
    skipped = len(rows) - len(new)
    _progress(
        job,
        status=Status.IMPORTING,
        processed_rows=skipped,
        unchanged_count=sum(row.done for row in rows),
        **fields,
    )
    with transaction.atomic():
        audit.record(
            actor,
            "voice.import",
            job,
            object_repr=f"导入历史呼声：{job.file_name}",
            after={
                "file_name": job.file_name,
                "rows": len(rows),
                "invalid_rows": len(invalid),
                "to_write": len(new),
                "already_imported": job.unchanged_count,
                "valid_rows_only": job.valid_rows_only,
                "unanswered_as_history": job.unanswered_as_history,
            },
        )
    history = 0
    for start in range(0, len(new), CHUNK):
        chunk = new[start : start + CHUNK]
        with transaction.atomic():
            _write(chunk)
            history += sum(row.voice["status"] == VoiceStatus.HISTORY for row in chunk)
            _progress(
                job,
                processed_rows=skipped + start + len(chunk),
                created_count=start + len(chunk),
                history_count=history,
            )
    logger.info(
        "voice import %s: %d rows read and checked in %.1f s (%.1f s CPU here), "
        "%d written in %.1f s (%.1f s CPU here; the rest is the database)",
        job.pk,
        len(rows),
        read_at - started,
        read_cpu - cpu,
        len(new),
        time.perf_counter() - read_at,
        time.process_time() - read_cpu,
    )
    message = (
        summary
        + f"：新增 {len(new)} 条（其中历史记录 {history} 条），此前已导入 {job.unchanged_count} 条"
    )
    if invalid:
        message += f"；有错误的 {len(invalid)} 行未导入，请下载错误文件，修改后重新导入"
    _finish(job, Status.DONE, message=message + "。", processed_rows=len(rows))
    return False


def _write(rows: list[importer.Row]) -> None:
    """The chunk's voices, their events and their part of the 三率 tallies, as plain rows (COPY on
    PostgreSQL): building model instances, adapting each field through Django and recounting
    whole months afterwards took most of a 100,000-row import."""
    ids = bulk.insert_dicts(Voice, [row.voice for row in rows])
    bulk.insert_dicts(
        VoiceEvent,
        [
            {**event, "voice_id": pk}
            for row, pk in zip(rows, ids, strict=True)
            for event in row.events
        ],
    )
    tally.add_inserted(row.voice | row.paths for row in rows)
    # a real cycle: tasks runs this module's jobs
    from dangqun.voices.tasks import index_imported_voices

    transaction.on_commit(lambda: index_imported_voices(ids))
