"""Photos and documents of a meeting: added and removed until the minutes are finalised, then
only with an addendum; files no row names are swept at night."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from dangqun.core import audit, filestore
from dangqun.life import services
from dangqun.life.models import (
    Meeting,
    MeetingFile,
    Status,
)

MAX_FILES = 60  # photos and documents of one meeting


def add_files(actor, meeting: Meeting, files) -> list[MeetingFile]:
    """Photos and documents of a meeting not yet finalised (checked uploads, ``core.uploads``);
    after finalisation they come with an addendum."""
    services.require_manage(actor, meeting.org)
    if meeting.is_finalised:
        raise ValidationError({"files": "会议记录已定稿，请在补充说明中上传照片或附件"})
    if meeting.status == Status.CANCELLED:
        raise ValidationError({"files": "本次组织生活已取消"})
    if not files:
        raise ValidationError({"files": "请选择文件"})
    require_room(meeting, files)  # before writing anything; again below, under the lock
    stored = filestore.store(list(files), "life", previews=True)
    with transaction.atomic():
        meeting = services.locked(meeting)
        services.require_open(
            meeting
        )  # finalised meanwhile: the files stay orphans, swept at night
        require_room(meeting, stored)
        rows = file_rows(actor, meeting, stored)
        audit.record(actor, "life.files", meeting, after={"files": stored_names(stored)})
    return rows


def remove_file(actor, meeting: Meeting, file_id: int) -> None:
    """Remove a file from minutes not yet finalised (the stored file goes after the commit)."""
    services.require_manage(actor, meeting.org)
    with transaction.atomic():
        meeting = services.locked(meeting)
        services.require_open(meeting)
        row = MeetingFile.objects.filter(meeting=meeting, pk=file_id).first()
        if row is None:
            raise ValidationError({"files": "文件不存在或已删除"})
        row.delete()
        audit.record(actor, "life.remove_file", meeting, before={"files": [row.name]})
        transaction.on_commit(lambda: _delete_stored(row))


def sweep_orphan_files(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete stored meeting files that no row names (left by a transaction that failed)."""
    known = set()
    for path, preview in MeetingFile.objects.values_list("file", "preview").iterator():
        known.update((path, preview))
    return filestore.sweep_orphans("life", known, older_than)


def _delete_stored(row: MeetingFile) -> None:
    row.file.delete(save=False)
    if row.preview:
        row.preview.delete(save=False)


def require_room(meeting: Meeting, files) -> None:
    if meeting.files.count() + len(files) > MAX_FILES:
        raise ValidationError({"files": f"每次组织生活最多保存 {MAX_FILES} 个照片和附件"})


def file_rows(actor, meeting, stored, addendum=None) -> list[MeetingFile]:
    return MeetingFile.objects.bulk_create(
        MeetingFile(
            meeting=meeting, addendum=addendum, uploaded_by=actor, preview=f.preview, **f.fields
        )
        for f in stored
    )


def stored_names(stored) -> list[str]:
    return [f.name for f in stored]
