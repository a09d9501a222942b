"""Office Open XML uploads (.docx, .xlsx, .pptx): opened as a zip within entry and size caps, no
``..`` or absolute paths, no VBA parts; stripping blanks the author fields of ``docProps``."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from django.core.exceptions import ValidationError

from dangqun.core.uploads.refusals import corrupt, macro_error, not_allowed

MAIN_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
AUTHOR_FIELDS = {
    "docprops/core.xml": ("creator", "lastModifiedBy"),
    "docprops/app.xml": ("Company", "Manager"),
}
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError)
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_BYTES = 200 * 1024 * 1024  # uncompressed


def check_ooxml(data: bytes, name: str, _family: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise corrupt(name) from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_ZIP_BYTES:
        raise ValidationError(f"文件「{name}」的压缩内容异常（可能是压缩炸弹）", code="bomb")
    names = {e.filename.lower(): e.filename for e in entries}  # OPC part names ignore case
    if len(names) != len(entries) or any(unsafe_path(n) for n in names):
        raise ValidationError(f"文件「{name}」的压缩结构异常（含重复或越界路径）", code="path")
    kind = next((k for k, part in MAIN_PARTS.items() if part in names), None)
    if "[content_types].xml" not in names or kind is None:
        raise not_allowed(name)
    try:
        types = archive.read(names["[content_types].xml"]).lower()
        archive.read(names[MAIN_PARTS[kind]])
    except ZIP_ERRORS:
        raise corrupt(name) from None
    if b"macroenabled" in types or b"vbaproject" in types or any(map(is_vba, names)):
        raise macro_error(name)
    return kind


def unsafe_path(path: str) -> bool:
    return path.startswith("/") or "\\" in path or ":" in path or ".." in path.split("/")


def is_vba(path: str) -> bool:
    return path.rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml")


def strip_ooxml(data: bytes, name: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():  # fresh entries: no timestamps, extra fields or comment
            try:
                body = source.read(entry)
            except ZIP_ERRORS:
                raise corrupt(name) from None
            blank = AUTHOR_FIELDS.get(entry.filename.lower(), ())
            target.writestr(zipfile.ZipInfo(entry.filename), blank_elements(body, blank))
    return out.getvalue()


def blank_elements(xml: bytes, tags: tuple[str, ...]) -> bytes:
    for tag in tags:
        element = rf"(<(?:[\w.-]+:)?{tag}\b[^>]*?)(?:/>|>[^<]*</(?:[\w.-]+:)?{tag}\s*>)"
        xml = re.sub(element.encode(), rb"\1/>", xml)  # [^<]*: linear, no backtracking blow-up
    return xml
