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
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
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


class Unsatisfiable(Exception):
    """A ``Range`` no byte of the file satisfies (answered 416)."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range (first, last — inclusive) a ``Range`` header asks of a file of ``size``
    bytes, or None to send the whole file: no header, another unit, several ranges or a header
    that does not parse (RFC 9110 §14.2: a server may ignore it). ``Unsatisfiable`` when the
    range starts past the end or asks for no bytes."""
    unit, _, spec = (header or "").strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    first_text, last_text = first_text.strip(), last_text.strip()
    if not dash or not (first_text + last_text).isdigit() or not (first_text or last_text):
        return None
    if not (first_text.isascii() and last_text.isascii()):
        return None
    if not first_text:  # bytes=-N: the last N bytes
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None
    if first >= size:
        raise Unsatisfiable
    last = int(last_text) if last_text else size - 1
    return first, min(last, size - 1)


RANGE_CHUNK = 256 * 1024


def _slice(handle, first: int, last: int):
    try:
        handle.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = handle.read(min(RANGE_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _guarded(response, *, cache: bool):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=86400" if cache else "private, no-store"
    response["Accept-Ranges"] = "bytes"
    return response


def ranged(request, row: StoredFileFields):
    """A stored video (or any file) played in the page: inline, with HTTP range requests so a
    phone can seek (206 with ``Content-Range``; 416 for a range past the end), sandboxed and
    never sniffed like ``download``."""
    size = row.file.size
    try:
        wanted = byte_range(request.headers.get("Range", ""), size)
    except Unsatisfiable:
        response = _guarded(HttpResponse(status=416), cache=False)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if wanted is None:
        response = FileResponse(row.file.open("rb"), content_type=row.content_type)
        return _guarded(response, cache=True)
    first, last = wanted
    response = StreamingHttpResponse(
        _slice(row.file.open("rb"), first, last), status=206, content_type=row.content_type
    )
    response["Content-Length"] = str(last - first + 1)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return _guarded(response, cache=True)


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
