"""Running an import of past voices (the Huey task's body) on ``core.imports.run``, as the people
import runs: read the file, check every row (``importer``), stop for the owner to map names found
nowhere, report the errors (and their file), then write the new rows in chunks with the job's
progress.

A chunk that fails leaves the job saying how many were written; importing the same file again
completes it (every row's ``external_id`` is unique). Each chunk adds its voices to the 三率
tallies in the same transaction, as ``Voice.save`` does for one voice."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.db import transaction

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope
from dangqun.core import audit, bulk
from dangqun.core.imports import run
from dangqun.core.imports.files import ImportFileError
from dangqun.people.imports.read import read_table
from dangqun.voices import importer, tally
from dangqun.voices.models import Status as VoiceStatus
from dangqun.voices.models import Voice, VoiceEvent, VoiceImportJob

logger = logging.getLogger(__name__)

CHUNK = 5000  # rows per write transaction
MAX_LISTED_ROWS = 20  # row numbers kept for each unknown name
Status = VoiceImportJob.Status


def run_job(job_id: int) -> None:
    """Process one queued job (called by the Huey task ``voices.tasks.run_voice_import``)."""
    run.run_job(VoiceImportJob, job_id, _run, interrupted=_interrupted)


def _interrupted(job: VoiceImportJob) -> str:
    return (
        f"导入中断：已写入 {job.created_count} 条，其余未写入。请稍后重新导入同一文件，"
        "已写入的不会重复。如仍失败，请联系系统管理员。"
    )


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
    run.progress(job, total_rows=len(table.rows), processed_rows=0)
    checked = importer.check_rows(
        actor,
        table.rows,
        index,
        mapping=job.mapping,
        history=job.unanswered_as_history,
        on_progress=lambda n: run.progress(job, processed_rows=n),
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
        run.progress(
            job,
            status=Status.MAPPING,
            unknown=unknown,
            processed_rows=0,
            message="文件中有系统里没有的类别或单位名称，请逐一对应到现有的类别或单位后继续导入。",
        )
        return True
    rows = checked.rows
    invalid = [row for row in rows if row.errors]
    summary, errors = run.report_errors(job, table.header, rows, invalid)
    fields = {"errors": errors, "unknown": {}}
    if run.refused(job, summary, rows, invalid, **fields):
        return False
    new = [row for row in rows if row.voice is not None and not row.errors and not row.done]
    skipped = len(rows) - len(new)
    run.progress(
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
    counts = {"created_count": 0, "history_count": 0}

    def write(chunk) -> dict:
        _write(chunk)
        counts["created_count"] += len(chunk)
        counts["history_count"] += sum(row.voice["status"] == VoiceStatus.HISTORY for row in chunk)
        return counts

    run.write_in_chunks(job, new, CHUNK, write, done_before=skipped)
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
    history = counts["history_count"]
    written = (
        f"：新增 {len(new)} 条（其中历史记录 {history} 条），此前已导入 {job.unchanged_count} 条"
    )
    run.done(job, summary, written, rows, invalid)
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
