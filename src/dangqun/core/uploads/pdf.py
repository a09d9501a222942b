"""PDF uploads: scanned (raw text and inflated object streams, ``#xx``-escaped names decoded) for
JavaScript, launch actions and embedded files. Encrypted streams cannot be scanned."""

from __future__ import annotations

import re
import zlib

from django.core.exceptions import ValidationError

MAX_PDF_INFLATE = 64 * 1024 * 1024  # how much of a PDF's compressed streams is scanned
NAME_CHAR = rb"[^\s/<>\[\]()%{}]"
ACTIVE_NAME = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?)(?!" + NAME_CHAR + rb")")
ESCAPED_NAME = re.compile(rb"/" + NAME_CHAR + rb"*#[0-9A-Fa-f]{2}" + NAME_CHAR + rb"*")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def check_pdf(data: bytes, name: str, _family: str) -> str:
    if b"%%EOF" not in data[-1024:]:
        raise ValidationError(f"PDF 文件「{name}」不完整或已损坏", code="corrupt")
    if any(is_active(text) for text in scanned_texts(data)):
        raise ValidationError(
            f"PDF 文件「{name}」含有脚本、启动程序或内嵌文件，出于安全考虑不能上传，"
            "请用“打印为 PDF”另存后再上传",
            code="active",
        )
    return "pdf"


def is_active(text: bytes) -> bool:
    return ACTIVE_NAME.search(unescape_names(text)) is not None


def unescape_names(text: bytes) -> bytes:
    """``/J#61vaScript`` is the name ``/JavaScript``."""
    return ESCAPED_NAME.sub(lambda m: HEX_ESCAPE.sub(lambda h: bytes([int(h[1], 16)]), m[0]), text)


def scanned_texts(data: bytes):
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
        dictionary = unescape_names(head[head.rfind(b" obj") + 1 :])
        if b"/ObjStm" in dictionary and budget > 0:
            try:
                text = zlib.decompressobj().decompress(view[match.end() : end], budget)
            except zlib.error:
                text = b""
            budget -= len(text)
            yield text
        last = end
    yield data[last:]
