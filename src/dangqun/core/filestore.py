"""Stored files of any app (a voice's attachments, a meeting's photos): written under a random
name outside the web root, served only through a view that checked who may see them.

``uploads`` decides whether an upload may be kept; this module keeps it. The file is written
before the transaction that adds its row (re-encoding a large photo then holds no lock); a file
whose transaction fails stays behind until ``sweep_orphans`` removes it.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse
from django.utils import timezone
from PIL import Image

from dangqun.core import uploads

PREVIEW_PIXELS = 800  # the longer side of a photo's preview: sharp on a phone, fine in print


@dataclass(frozen=True)
class StoredFile:
    """A checked file written to storage, waiting for its row."""

    path: str
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    preview: str = ""  # a small JPEG of a photo (``store(..., previews=True)``)

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


def store(
    files: list[uploads.Checked],
    folder: str,
    *,
    neutral_names: bool = False,
    previews: bool = False,
):
    """Strip metadata that could name the author (EXIF, GPS, Office authors) and write the
    files under ``folder``. With ``neutral_names`` they are called 附件1, 附件2…; with
    ``previews`` each photo also gets a small JPEG for pages and print."""
    stored = []
    for number, checked in enumerate(files, start=1):
        clean = uploads.strip_metadata(checked)
        path = default_storage.save(random_path(folder, clean.extension), ContentFile(clean.data))
        preview = ""
        if previews and clean.content_type.startswith("image/"):
            preview = default_storage.save(
                random_path(folder, "jpg"), ContentFile(_preview(clean.data))
            )
        name = f"附件{number}.{clean.extension}" if neutral_names else clean.safe_name
        stored.append(
            StoredFile(
                path,
                name,
                clean.extension,
                clean.content_type,
                clean.size,
                clean.sha256,
                preview,
            )
        )
    return stored


def _preview(data: bytes) -> bytes:
    """The first frame, at most ``PREVIEW_PIXELS`` on its longer side, on white, as JPEG (the
    image was decoded once already by ``uploads``, so it is a picture within the pixel cap)."""
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        image.thumbnail((PREVIEW_PIXELS, PREVIEW_PIXELS))
        rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


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


def download(row: StoredFileFields, *, inline: bool = False, preview=None) -> FileResponse:
    """A stored file as a download: never sniffed, never cached, sandboxed. ``inline`` shows an
    image in the page (images were decoded and re-encoded on upload, so they are pictures);
    ``preview`` (a stored preview file) is shown instead of the image itself."""
    inline = inline and row.is_image
    source, content_type, name = row.file, row.content_type, row.name
    if inline and preview:
        source, content_type, name = preview, "image/jpeg", f"{name.rsplit('.', 1)[0]}.jpg"
    response = FileResponse(
        source.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    # A picture in a page is fetched again on every visit unless the phone may keep it; a row's
    # file never changes, and only this user's browser keeps it.
    response["Cache-Control"] = "private, max-age=86400" if inline else "private, no-store"
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
