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
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from types import MappingProxyType

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, ImageSequence


@dataclass(frozen=True)
class Kind:
    label: str
    extension: str
    content_type: str


_OOXML = "application/vnd.openxmlformats-officedocument."
ALLOWED = MappingProxyType(
    {
        "jpeg": Kind("图片", "jpg", "image/jpeg"),
        "png": Kind("图片", "png", "image/png"),
        "gif": Kind("图片", "gif", "image/gif"),
        "webp": Kind("图片", "webp", "image/webp"),
        "pdf": Kind("PDF", "pdf", "application/pdf"),
        "docx": Kind("Word", "docx", _OOXML + "wordprocessingml.document"),
        "xlsx": Kind("Excel", "xlsx", _OOXML + "spreadsheetml.sheet"),
        "pptx": Kind("PowerPoint", "pptx", _OOXML + "presentationml.presentation"),
        "doc": Kind("Word", "doc", "application/msword"),
        "xls": Kind("Excel", "xls", "application/vnd.ms-excel"),
        "ppt": Kind("PowerPoint", "ppt", "application/vnd.ms-powerpoint"),
    }
)
ACCEPT = ",".join(dict.fromkeys(k.content_type for k in ALLOWED.values()))  # <input accept=…>
LABELS = "、".join(dict.fromkeys(k.label for k in ALLOWED.values()))

MAX_BYTES = 20 * 1024 * 1024  # settings.DANGQUN_UPLOAD_MAX_BYTES wins when set
MAX_FILES = 9
MAX_PIXELS = 50_000_000  # summed over an animation's frames
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_BYTES = 200 * 1024 * 1024  # uncompressed
MAX_PDF_INFLATE = 64 * 1024 * 1024  # how much of a PDF's compressed streams is scanned

_PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
_OOXML_MAIN = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_OLE_MAIN = {"WordDocument": "doc", "Workbook": "xls", "Book": "xls", "PowerPoint Document": "ppt"}
_OLE_MACROS = {"MACROS", "VBA", "_VBA_PROJECT", "_VBA_PROJECT_CUR"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "ooxml"),
    (_OLE_MAGIC, "ole"),
)
_PDF_NAME = rb"[^\s/<>\[\]()%{}]"
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?)(?!" + _PDF_NAME + rb")")
_PDF_ESCAPED = re.compile(rb"/" + _PDF_NAME + rb"*#[0-9A-Fa-f]{2}" + _PDF_NAME + rb"*")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_OOXML_AUTHORS = {
    "docprops/core.xml": ("creator", "lastModifiedBy"),
    "docprops/app.xml": ("Company", "Manager"),
}
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError)
_KEEP_IMAGE_INFO = ("transparency", "duration", "loop", "background")


@dataclass(frozen=True)
class Checked:
    kind: str
    label: str
    content_type: str
    extension: str
    size: int
    sha256: str
    safe_name: str
    data: bytes = field(repr=False)


def max_bytes() -> int:
    return int(getattr(settings, "DANGQUN_UPLOAD_MAX_BYTES", MAX_BYTES))


def check(upload) -> Checked:
    """The upload's checked content, or ``ValidationError`` with a Chinese message."""
    name = display_name(getattr(upload, "name", "") or "")
    data = _read(upload, name)
    family = _sniff(data)
    if family is None:
        raise _not_allowed(name)
    kind = _VALIDATE[family](data, name, family)
    return _checked(kind, data, safe_name(name, ALLOWED[kind].extension))


def check_all(uploads) -> list[Checked]:
    """Every upload of one submission checked, at most ``MAX_FILES`` of them."""
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"一次最多上传 {MAX_FILES} 个附件", code="count")
    return [check(upload) for upload in uploads]


def can_strip(checked: Checked) -> bool:
    """Whether ``strip_metadata`` removes what could name the author (not for PDF and OLE2)."""
    return checked.kind in _PIL_FORMAT or checked.kind in _OOXML_MAIN


def strip_metadata(checked: Checked) -> Checked:
    """Images re-encoded without metadata, OOXML with author fields emptied; PDF/OLE2 unchanged."""
    if checked.kind in _PIL_FORMAT:
        data = _strip_image(checked.data, checked.kind, checked.safe_name)
    elif checked.kind in _OOXML_MAIN:
        data = _strip_ooxml(checked.data, checked.safe_name)
    else:
        return checked
    return _checked(checked.kind, data, checked.safe_name)


def display_name(name: str) -> str:
    """The basename without control/format characters (RTL overrides), at most 100 characters."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(_clean_char(ch) for ch in name)
    return re.sub(r'[<>:"|?*]', "_", name).strip()[:100] or "附件"


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)  # Cc controls, Cf format (U+202E RLO, zero widths), Zl, Zp
    if category[0] == "C" or category in ("Zl", "Zp"):
        return ""
    return " " if category == "Zs" else ch


def safe_name(name: str, extension: str) -> str:
    """``display_name`` with its extension replaced by the one the content says."""
    stem = display_name(name)
    stem = (stem.rsplit(".", 1)[0] if "." in stem else stem).strip(" .")
    return f"{(stem or '附件')[: 99 - len(extension)]}.{extension}"


def _checked(kind: str, data: bytes, name: str) -> Checked:
    k = ALLOWED[kind]
    sha = hashlib.sha256(data).hexdigest()
    return Checked(kind, k.label, k.content_type, k.extension, len(data), sha, name, data)


def _read(upload, name: str) -> bytes:
    limit = max_bytes()
    too_big = ValidationError(f"文件「{name}」超过 {_human(limit)}", code="size")
    if isinstance(getattr(upload, "size", None), int) and upload.size > limit:
        raise too_big
    buffer = bytearray()
    for chunk in _chunks(upload):
        buffer += chunk
        if len(buffer) > limit:
            raise too_big
    if not buffer:
        raise ValidationError(f"文件「{name}」是空的", code="empty")
    return bytes(buffer)


def _chunks(upload):
    if hasattr(upload, "chunks"):
        yield from upload.chunks()
        return
    if hasattr(upload, "seek"):
        upload.seek(0)
    while chunk := upload.read(64 * 1024):
        yield chunk


def _human(n: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{round(n / size, 1):g} {unit}"
    return f"{n} 字节"


def _sniff(data: bytes) -> str | None:
    for magic, family in _MAGIC:
        if data.startswith(magic):
            return family
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "pdf" if b"%PDF-" in data[:1024] else None


def _check_image(data: bytes, name: str, kind: str) -> str:
    _frames(data, name, kind, keep=False)
    return kind


def _frames(data: bytes, name: str, kind: str, keep: bool) -> list[Image.Image]:
    """Every frame decoded (orientation applied when ``keep``), within ``MAX_PIXELS``.

    A phone's JPEG may be an MPO whose further frames are previews with their own EXIF: only
    the first frame of a JPEG is kept.
    """
    bomb = ValidationError(
        f"图片「{name}」像素过多（上限 {MAX_PIXELS // 10_000} 万像素），可能是解压炸弹", code="bomb"
    )
    frames, pixels = [], 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[kind]])
            for frame in ImageSequence.Iterator(image):
                pixels += frame.width * frame.height
                if pixels > MAX_PIXELS:
                    raise bomb
                frame.load()
                if keep and not (kind == "jpeg" and frames):
                    frames.append(ImageOps.exif_transpose(frame))
    except Image.DecompressionBombError:
        raise bomb from None
    except ValidationError:
        raise
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, EOFError, struct.error…
        raise _corrupt(name, "图片") from None
    return frames


def _strip_image(data: bytes, kind: str, name: str) -> bytes:
    frames = _frames(data, name, kind, keep=True)
    for frame in frames:
        frame.info = {k: v for k, v in frame.info.items() if k in _KEEP_IMAGE_INFO}
    options = {"format": _PIL_FORMAT[kind]}
    if kind in ("jpeg", "webp"):
        options["quality"] = 90
    if len(frames) > 1:
        durations = [frame.info.get("duration", 100) for frame in frames]
        loop = frames[0].info.get("loop", 0)
        options.update(save_all=True, append_images=frames[1:], duration=durations, loop=loop)
    out = io.BytesIO()
    frames[0].save(out, **options)
    return out.getvalue()


def _check_ooxml(data: bytes, name: str, _family: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _corrupt(name) from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_ZIP_BYTES:
        raise ValidationError(f"文件「{name}」的压缩内容异常（可能是压缩炸弹）", code="bomb")
    names = {e.filename.lower(): e.filename for e in entries}  # OPC part names ignore case
    if len(names) != len(entries) or any(_unsafe_path(n) for n in names):
        raise ValidationError(f"文件「{name}」的压缩结构异常（含重复或越界路径）", code="path")
    kind = next((k for k, part in _OOXML_MAIN.items() if part in names), None)
    if "[content_types].xml" not in names or kind is None:
        raise _not_allowed(name)
    try:
        types = archive.read(names["[content_types].xml"]).lower()
        archive.read(names[_OOXML_MAIN[kind]])
    except _ZIP_ERRORS:
        raise _corrupt(name) from None
    if b"macroenabled" in types or b"vbaproject" in types or any(map(_is_vba, names)):
        raise _macro_error(name)
    return kind


def _unsafe_path(path: str) -> bool:
    return path.startswith("/") or "\\" in path or ":" in path or ".." in path.split("/")


def _is_vba(path: str) -> bool:
    return path.rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml")


def _macro_error(name: str) -> ValidationError:
    return ValidationError(
        f"Office 文件「{name}」含有宏，出于安全考虑不能上传，请另存为不含宏的格式", code="macro"
    )


def _not_allowed(name: str) -> ValidationError:
    return ValidationError(f"文件「{name}」的内容不是允许的类型（允许：{LABELS}）", code="type")


def _corrupt(name: str, what: str = "Office 文件") -> ValidationError:
    return ValidationError(f"{what}「{name}」已损坏或无法识别", code="corrupt")


def _strip_ooxml(data: bytes, name: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():  # fresh entries: no timestamps, extra fields or comment
            try:
                body = source.read(entry)
            except _ZIP_ERRORS:
                raise _corrupt(name) from None
            blank = _OOXML_AUTHORS.get(entry.filename.lower(), ())
            target.writestr(zipfile.ZipInfo(entry.filename), _blank_elements(body, blank))
    return out.getvalue()


def _blank_elements(xml: bytes, tags: tuple[str, ...]) -> bytes:
    for tag in tags:
        element = rf"(<(?:[\w.-]+:)?{tag}\b[^>]*?)(?:/>|>[^<]*</(?:[\w.-]+:)?{tag}\s*>)"
        xml = re.sub(element.encode(), rb"\1/>", xml)  # [^<]*: linear, no backtracking blow-up
    return xml


def _check_ole(data: bytes, name: str, _family: str) -> str:
    """Parses the compound-file directory; a VBA/Macros storage anywhere refuses the file."""
    try:
        entries = _ole_entries(data)
    except (ValueError, struct.error, IndexError):
        raise _corrupt(name) from None
    if any(n.upper() in _OLE_MACROS for n, kind, *_ in entries if kind in (1, 2)):
        raise _macro_error(name)
    top = _ole_children(entries, 0) if entries and entries[0][1] == 5 else []
    if "EncryptedPackage" in top:
        raise ValidationError(
            f"Office 文件「{name}」已加密，无法检查，请去掉密码后再上传", code="encrypted"
        )
    kind = next((_OLE_MAIN[n] for n in top if n in _OLE_MAIN), None)
    if kind is None:
        raise _not_allowed(name)
    return kind


def _ole_entries(data: bytes) -> list[tuple[str, int, int, int, int]]:
    """Directory entries as (name, type, left, right, child), following the FAT chain."""
    shift = struct.unpack_from("<H", data, 30)[0]
    n_fat, first_dir = struct.unpack_from("<2I", data, 44)
    if shift not in (9, 12):
        raise ValueError("sector size")
    size, per_sector = 1 << shift, (1 << shift) // 4

    def sector(sid: int) -> bytes:
        if (sid + 2) * size > len(data):
            raise ValueError("sector outside the file")
        return data[(sid + 1) * size : (sid + 2) * size]

    n_fat = min(n_fat, len(data) // size // per_sector + 1)  # a FAT beyond the file is no use
    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    difat = struct.unpack_from("<I", data, 68)[0]
    while len(fat_sectors) < n_fat and difat < 0xFFFFFFFA:
        ids = struct.unpack(f"<{per_sector}I", sector(difat))
        fat_sectors += ids[:-1]
        difat = ids[-1]
    fat = [s for sid in fat_sectors[:n_fat] for s in struct.unpack(f"<{per_sector}I", sector(sid))]
    entries, sid, seen = [], first_dir, set()
    while sid < 0xFFFFFFFA:
        if sid in seen or sid >= len(fat):
            raise ValueError("broken directory chain")
        seen.add(sid)
        block = sector(sid)
        for at in range(0, size, 128):
            length = min(struct.unpack_from("<H", block, at + 64)[0], 64)
            name = block[at : at + max(length - 2, 0)].decode("utf-16-le", "replace")
            entries.append((name, block[at + 66], *struct.unpack_from("<3I", block, at + 68)))
        sid = fat[sid]
    return entries


def _ole_children(entries: list, parent: int) -> list[str]:
    names, stack, seen = [], [entries[parent][4]], set()
    while stack:
        index = stack.pop()
        if index < len(entries) and index not in seen:
            seen.add(index)
            name, _kind, left, right, _child = entries[index]
            names.append(name)
            stack += [left, right]
    return names


def _check_pdf(data: bytes, name: str, _family: str) -> str:
    if b"%%EOF" not in data[-1024:]:
        raise ValidationError(f"PDF 文件「{name}」不完整或已损坏", code="corrupt")
    if any(_pdf_active(text) for text in _pdf_texts(data)):
        raise ValidationError(
            f"PDF 文件「{name}」含有脚本、启动程序或内嵌文件，出于安全考虑不能上传，"
            "请用“打印为 PDF”另存后再上传",
            code="active",
        )
    return "pdf"


def _pdf_active(text: bytes) -> bool:
    return _PDF_ACTIVE.search(_unescape_names(text)) is not None


def _unescape_names(text: bytes) -> bytes:
    """``/J#61vaScript`` is the name ``/JavaScript``."""
    return _PDF_ESCAPED.sub(lambda m: _PDF_HEX.sub(lambda h: bytes([int(h[1], 16)]), m[0]), text)


def _pdf_texts(data: bytes):
    """The file outside stream bodies, then its object streams inflated (they can hide actions).

    Other stream bodies (images, fonts, page content) are skipped: random bytes would match.
    """
    budget, view, last = MAX_PDF_INFLATE, memoryview(data), 0
    for match in re.finditer(rb"(?<!end)stream\r?\n", data):
        if match.start() < last:
            continue  # inside the body of a stream already passed
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        head = data[last : match.start()]
        yield head
        dictionary = _unescape_names(head[head.rfind(b" obj") + 1 :])
        if b"/ObjStm" in dictionary and budget > 0:
            try:
                text = zlib.decompressobj().decompress(view[match.end() : end], budget)
            except zlib.error:
                text = b""
            budget -= len(text)
            yield text
        last = end
    yield data[last:]


_VALIDATE = {
    **dict.fromkeys(_PIL_FORMAT, _check_image),
    "ooxml": _check_ooxml,
    "ole": _check_ole,
    "pdf": _check_pdf,
}
