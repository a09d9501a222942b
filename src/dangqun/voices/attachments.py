"""A voice's files: stored stripped of metadata (neutral names for anonymous voices), attached to
a step, and swept when no row names them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from dangqun.core import filestore, uploads
from dangqun.voices.models import Attachment, Voice, VoiceEvent


def store_files(files, *, anonymous: bool) -> list[filestore.StoredFile]:
    """Strip and write a voice's files (``filestore.store``). An anonymous voice refuses files whose
    metadata cannot be removed (PDF, old Office formats), and its files get neutral names, since
    a name such as 张三的投诉.pdf says who wrote it."""
    if anonymous:
        kept = [f.safe_name for f in files if not uploads.can_strip(f)]
        if kept:
            raise ValidationError(
                {
                    "files": f"匿名反映不能附 PDF 或旧版 Office 文件（{'、'.join(kept)}）："
                    "其中的作者等信息无法去除。请改传图片或 .docx/.xlsx/.pptx 文件"
                }
            )
    return filestore.store(files, "voices", neutral_names=anonymous)


def attach(voice: Voice, event: VoiceEvent, files: list[filestore.StoredFile]) -> list:
    """The rows of files already stored (``store_files``), with a step of the voice."""
    return Attachment.objects.bulk_create(
        Attachment(voice=voice, event=event, **f.fields) for f in files
    )


def sweep_orphan_files(older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete stored files no attachment row names (left by a transaction that failed)."""
    known = set(Attachment.objects.values_list("file", flat=True))
    return filestore.sweep_orphans("voices", known, older_than)
