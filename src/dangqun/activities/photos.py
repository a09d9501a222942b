"""Photos and documents of an activity (``core/filestore``, checked by ``core/uploads``): added by
its organisers until it is archived, hidden (kept) when removed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.activities import organising, services
from dangqun.activities.models import Activity, ActivityFile, FileKind, Status
from dangqun.core import audit, filestore

MAX_FILES = 60  # shown files of one activity


def shown(activity: Activity):
    return activity.files.filter(removed_at__isnull=True).order_by("id")


def add_files(user, activity: Activity, files, kind: str = FileKind.PHOTO) -> list[ActivityFile]:
    organising.require_keeper(user, activity)
    if activity.status == Status.ARCHIVED:
        raise ValidationError({"files": "活动已归档，不能再上传"})
    if not files:
        raise ValidationError({"files": "请选择文件"})
    if kind not in FileKind.values:
        kind = FileKind.PHOTO
    _require_room(activity, files)
    stored = filestore.store(list(files), "activities", previews=True)
    with transaction.atomic():
        activity = services.locked(activity)
        _require_room(activity, stored)  # files of a refused upload are swept as orphans
        rows = ActivityFile.objects.bulk_create(
            ActivityFile(
                activity=activity, kind=kind, uploaded_by=user, preview=f.preview, **f.fields
            )
            for f in stored
        )
        audit.record(user, "activity.files", activity, after={"files": [f.name for f in stored]})
    return rows


@transaction.atomic
def remove_file(user, activity: Activity, file_id: int) -> None:
    organising.require_keeper(user, activity)
    activity = services.locked(activity)
    row = shown(activity).filter(pk=file_id).first()
    if row is None:
        raise ValidationError({"file": "文件不存在或已删除"})
    row.removed_at = timezone.now()
    row.save(update_fields=["removed_at"])
    audit.record(user, "activity.remove_file", activity, before={"files": [row.name]})


def _require_room(activity: Activity, files) -> None:
    if shown(activity).count() + len(files) > MAX_FILES:
        raise ValidationError({"files": f"每个活动最多保存 {MAX_FILES} 个照片和文件"})
