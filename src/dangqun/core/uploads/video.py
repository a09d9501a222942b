"""Videos for study materials (MP4 and WebM), checked by content like every upload: an MP4 starts
with an ``ftyp`` box of a known brand, a WebM with the EBML header whose DocType is ``webm``.
Only the places that take videos call ``check_video``; ``check`` (attachments) never accepts
one. A video is kept as it came (no re-encoding) and played inline with range requests
(``filestore.ranged``)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError

from dangqun.core.uploads import human_size, upload_chunks
from dangqun.core.uploads.kinds import Checked
from dangqun.core.uploads.names import display_name, safe_name

MAX_VIDEO_BYTES = 200 * 1024 * 1024  # settings.DANGQUN_VIDEO_MAX_BYTES wins when set
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
}
TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
ACCEPT = ",".join(TYPES.values())


def max_video_bytes() -> int:
    return int(getattr(settings, "DANGQUN_VIDEO_MAX_BYTES", MAX_VIDEO_BYTES))


def video_kind(data: bytes) -> str | None:
    """ "mp4", "webm" or None, from the first bytes."""
    if data[4:8] == b"ftyp" and data[8:12] in MP4_BRANDS:
        return "mp4"
    if data[:4] == b"\x1a\x45\xdf\xa3" and b"\x42\x82\x84webm" in data[:64]:
        return "webm"
    return None


def check_video(upload) -> Checked:
    """The upload as a checked MP4 or WebM, or ``ValidationError`` in Chinese."""
    name = display_name(getattr(upload, "name", "") or "")
    limit = max_video_bytes()
    too_big = ValidationError(f"视频「{name}」超过 {human_size(limit)}", code="size")
    if isinstance(getattr(upload, "size", None), int) and upload.size > limit:
        raise too_big
    buffer = bytearray()
    for chunk in upload_chunks(upload):
        buffer += chunk
        if len(buffer) > limit:
            raise too_big
    data = bytes(buffer)
    kind = video_kind(data)
    if kind is None:
        raise ValidationError(f"文件「{name}」不是 MP4 或 WebM 视频", code="kind")
    sha = hashlib.sha256(data).hexdigest()
    return Checked(kind, "视频", TYPES[kind], kind, len(data), sha, safe_name(name, kind), data)
