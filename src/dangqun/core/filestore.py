"""Stored files of any app (a voice's attachments, a meeting's photos): written under a random
name outside the web root, served only through a view that checked who may see them.

``uploads`` decides whether an upload may be kept; this module keeps it. The file is written
before the transaction that adds its row (re-encoding a large photo then holds no lock); a file
whose transaction fails stays behind until ``sweep_orphans`` removes it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse
from django.utils import timezone

from dangqun.core import uploads


@dataclass(frozen=True)
class StoredFile:
    """A checked file written to storage, waiting for its row."""

    path: str
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str

    @property
    def fields(self) -> dict:
        """The row's fields (``StoredFileFields`` and ``file``)."""
        return {
            "file": self.path,
            "name": self.name,
            "extension": self.extension,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


def random_path(folder: str, extension: str) -> str:
    """The path says nothing of the person or the original file name."""
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


def store(files: list[uploads.Checked], folder: str, *, neutral_names: bool = False):
    """Strip metadata that could name the author (EXIF, GPS, Office authors) and write the
    files under ``folder``. With ``neutral_names`` they are called 附件1, 附件2…"""
    stored = []
    for number, checked in enumerate(files, start=1):
        clean = uploads.strip_metadata(checked)
        path = default_storage.save(random_path(folder, clean.extension), ContentFile(clean.data))
        name = f"附件{number}.{clean.extension}" if neutral_names else clean.safe_name
        stored.append(
            StoredFile(path, name, clean.extension, clean.content_type, clean.size, clean.sha256)
        )
    return stored


class StoredFileFields(models.Model):
    """What every stored file's row keeps besides the file itself."""

    name = models.CharField("文件名", max_length=120)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def download(row: StoredFileFields, *, inline: bool = False) -> FileResponse:
    """A stored file as a download: never sniffed, never cached, sandboxed. ``inline`` shows an
    image in the page (images were decoded and re-encoded on upload, so they are pictures)."""
    inline = inline and row.is_image
    response = FileResponse(
        row.file.open("rb"),
        as_attachment=not inline,
        filename=row.name,
        content_type=row.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def sweep_orphans(
    folder: str, known: set[str], older_than: dt.timedelta = dt.timedelta(days=1)
) -> int:
    """Delete files under ``folder`` that no row names (``known``: the rows' paths). Only files
    older than ``older_than`` go, so an upload still being committed is never touched."""
    root = Path(settings.MEDIA_ROOT)
    if not (root / folder).is_dir():
        return 0
    cutoff = (timezone.now() - older_than).timestamp()
    removed = 0
    for path in (root / folder).rglob("*"):
        old = path.is_file() and path.stat().st_mtime < cutoff
        if old and path.relative_to(root).as_posix() not in known:
            path.unlink()
            removed += 1
    return removed
