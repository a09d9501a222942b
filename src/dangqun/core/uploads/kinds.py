"""What may be uploaded: the allowed kinds (label, extension, content type), how a file's family
is sniffed from its magic bytes, and the ``Checked`` result of a passed upload."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Kind:
    label: str
    extension: str
    content_type: str


OOXML_TYPE = "application/vnd.openxmlformats-officedocument."
ALLOWED = MappingProxyType(
    {
        "jpeg": Kind("图片", "jpg", "image/jpeg"),
        "png": Kind("图片", "png", "image/png"),
        "gif": Kind("图片", "gif", "image/gif"),
        "webp": Kind("图片", "webp", "image/webp"),
        "pdf": Kind("PDF", "pdf", "application/pdf"),
        "docx": Kind("Word", "docx", OOXML_TYPE + "wordprocessingml.document"),
        "xlsx": Kind("Excel", "xlsx", OOXML_TYPE + "spreadsheetml.sheet"),
        "pptx": Kind("PowerPoint", "pptx", OOXML_TYPE + "presentationml.presentation"),
        "doc": Kind("Word", "doc", "application/msword"),
        "xls": Kind("Excel", "xls", "application/vnd.ms-excel"),
        "ppt": Kind("PowerPoint", "ppt", "application/vnd.ms-powerpoint"),
    }
)
ACCEPT = ",".join(dict.fromkeys(k.content_type for k in ALLOWED.values()))  # <input accept=…>
LABELS = "、".join(dict.fromkeys(k.label for k in ALLOWED.values()))

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "ooxml"),
    (OLE_MAGIC, "ole"),
)


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


def as_checked(kind: str, data: bytes, name: str) -> Checked:
    """The ``Checked`` of ``data`` found to be of ``kind``, stored under ``name``."""
    k = ALLOWED[kind]
    sha = hashlib.sha256(data).hexdigest()
    return Checked(kind, k.label, k.content_type, k.extension, len(data), sha, name, data)


def sniff(data: bytes) -> str | None:
    """The family the magic bytes claim (an image kind, "ooxml", "ole" or "pdf"), or None;
    the family's check confirms it by parsing."""
    for magic, family in MAGIC:
        if data.startswith(magic):
            return family
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "pdf" if b"%PDF-" in data[:1024] else None
