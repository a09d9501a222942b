"""Attachments to an employee's complaint or suggestion: checked by content, stripped of identity.

Choices:
- The upload's name and the browser's content type are never trusted. The kind comes from the
  magic bytes and is then confirmed by parsing: images are fully decoded with Pillow (pixel cap
  against decompression bombs), OOXML is opened as a zip (entry/size caps, no ``..`` or absolute
  paths, no VBA parts), OLE2 (legacy .doc/.xls/.ppt) has its directory parsed to find the main
  stream and any VBA storage, and PDF is scanned (raw and inflated streams, ``#xx``-escaped names
  decoded) for JavaScript, launch actions and embedded files. SVG and HTML are refused: they can
  carry script. The stored extension and content type come from the detected kind.
- The upload is read in chunks and reading stops once it passes the size limit.
- ``strip_metadata`` re-encodes images (orientation applied, EXIF/GPS/XMP/comments/ICC dropped)
  and blanks the author fields of OOXML ``docProps``. Errors are Chinese, naming the file.

Limitations: PDF and OLE2 files are returned by ``strip_metadata`` unchanged (a PDF's /Author or
XMP and an OLE2 summary stream may still name the author); OOXML comment and tracked-change
authors and ``docProps/custom.xml`` are kept; PowerPoint 97-2003 keeps its VBA inside the
"PowerPoint Document" stream and Excel 4.0 macros live in the Workbook stream, so neither is
detected; encrypted PDF streams cannot be scanned. Viewers must still serve attachments with
``Content-Disposition: attachment`` and ``X-Content-Type-Options: nosniff``.

The package: ``kinds`` (what is allowed, sniffing, ``Checked``), ``names``, ``images``, ``ooxml``,
``ole``, ``pdf`` (one check per family, and stripping where it can), ``refusals`` (the shared
errors); this module reads an upload, dispatches it to its family's check and strips it. Each
cap lives with its check (``images.MAX_PIXELS``, ``ooxml.MAX_ZIP_ENTRIES``/``MAX_ZIP_BYTES``,
``pdf.MAX_PDF_INFLATE``); the size and count caps are here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from dangqun.core.uploads.images import PIL_FORMATS, check_image, strip_image
from dangqun.core.uploads.kinds import ACCEPT, ALLOWED, LABELS, Checked, Kind, as_checked, sniff
from dangqun.core.uploads.names import display_name, safe_name
from dangqun.core.uploads.ole import check_ole
from dangqun.core.uploads.ooxml import MAIN_PARTS as OOXML_MAIN_PARTS
from dangqun.core.uploads.ooxml import check_ooxml, strip_ooxml
from dangqun.core.uploads.pdf import check_pdf
from dangqun.core.uploads.refusals import not_allowed

__all__ = [
    "ACCEPT",
    "ALLOWED",
    "LABELS",
    "MAX_BYTES",
    "MAX_FILES",
    "Checked",
    "Kind",
    "can_strip",
    "check",
    "check_all",
    "display_name",
    "human_size",
    "max_bytes",
    "safe_name",
    "strip_metadata",
]

MAX_BYTES = 20 * 1024 * 1024  # settings.DANGQUN_UPLOAD_MAX_BYTES wins when set
MAX_FILES = 9

# The check of each sniffed family: (data, name, family) -> the kind, or ValidationError.
CHECK_BY_FAMILY = {
    **dict.fromkeys(PIL_FORMATS, check_image),
    "ooxml": check_ooxml,
    "ole": check_ole,
    "pdf": check_pdf,
}


def max_bytes() -> int:
    return int(getattr(settings, "DANGQUN_UPLOAD_MAX_BYTES", MAX_BYTES))


def check(upload) -> Checked:
    """The upload's checked content, or ``ValidationError`` with a Chinese message."""
    name = display_name(getattr(upload, "name", "") or "")
    data = read_upload(upload, name)
    family = sniff(data)
    if family is None:
        raise not_allowed(name)
    kind = CHECK_BY_FAMILY[family](data, name, family)
    return as_checked(kind, data, safe_name(name, ALLOWED[kind].extension))


def check_all(uploads) -> list[Checked]:
    """Every upload of one submission checked, at most ``MAX_FILES`` of them."""
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"一次最多上传 {MAX_FILES} 个附件", code="count")
    return [check(upload) for upload in uploads]


def can_strip(checked: Checked) -> bool:
    """Whether ``strip_metadata`` removes what could name the author (not for PDF and OLE2)."""
    return checked.kind in PIL_FORMATS or checked.kind in OOXML_MAIN_PARTS


def strip_metadata(checked: Checked) -> Checked:
    """Images re-encoded without metadata, OOXML with author fields emptied; PDF/OLE2 unchanged."""
    if checked.kind in PIL_FORMATS:
        data = strip_image(checked.data, checked.kind, checked.safe_name)
    elif checked.kind in OOXML_MAIN_PARTS:
        data = strip_ooxml(checked.data, checked.safe_name)
    else:
        return checked
    return as_checked(checked.kind, data, checked.safe_name)


def read_upload(upload, name: str) -> bytes:
    """The upload's bytes, read in chunks; reading stops once it passes ``max_bytes()``."""
    limit = max_bytes()
    too_big = ValidationError(f"文件「{name}」超过 {human_size(limit)}", code="size")
    if isinstance(getattr(upload, "size", None), int) and upload.size > limit:
        raise too_big
    buffer = bytearray()
    for chunk in upload_chunks(upload):
        buffer += chunk
        if len(buffer) > limit:
            raise too_big
    if not buffer:
        raise ValidationError(f"文件「{name}」是空的", code="empty")
    return bytes(buffer)


def upload_chunks(upload):
    if hasattr(upload, "chunks"):
        yield from upload.chunks()
        return
    if hasattr(upload, "seek"):
        upload.seek(0)
    while chunk := upload.read(64 * 1024):
        yield chunk


def human_size(n: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{round(n / size, 1):g} {unit}"
    return f"{n} 字节"
