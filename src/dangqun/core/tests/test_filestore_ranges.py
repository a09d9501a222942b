"""Range requests for stored videos (``filestore.byte_range`` and ``filestore.ranged``): a phone
seeks inside a video by asking for byte ranges."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from dangqun.core import filestore
from dangqun.core.filestore import Unsatisfiable, byte_range


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-99", 1000, (0, 99)),
        ("bytes=100-", 1000, (100, 999)),
        ("bytes=-100", 1000, (900, 999)),
        ("bytes=-5000", 1000, (0, 999)),
        ("bytes=990-5000", 1000, (990, 999)),
        ("bytes = 1-2", 1000, (1, 2)),
        ("", 1000, None),
        ("items=0-1", 1000, None),
        ("bytes=0-1,5-6", 1000, None),
        ("bytes=abc", 1000, None),
        ("bytes=-", 1000, None),
        ("bytes=5-1", 1000, None),
        ("bytes=²-3", 1000, None),
    ],
)
def test_byte_range(header, size, expected):
    assert byte_range(header, size) == expected


@pytest.mark.parametrize(
    ("header", "size"), [("bytes=1000-", 1000), ("bytes=-0", 1000), ("bytes=0-", 0)]
)
def test_unsatisfiable(header, size):
    with pytest.raises(Unsatisfiable):
        byte_range(header, size)


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(1, 10_000))
def test_a_range_lies_inside_the_file(first, last, size):
    try:
        got = byte_range(f"bytes={first}-{last}", size)
    except Unsatisfiable:
        assert first >= size
        return
    if got is None:
        assert last < first
        return
    assert 0 <= got[0] <= got[1] < size
    assert got[0] == first


class Row(filestore.StoredFileFields):
    class Meta:
        abstract = True


@pytest.fixture
def video(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    data = bytes(range(256)) * 40  # 10,240 bytes
    path = default_storage.save("videos/v.mp4", ContentFile(data))

    class Stored:
        file = default_storage.open(path)
        content_type = "video/mp4"
        name = "v.mp4"

    Stored.file.close()
    return Stored, data


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_file_without_range(video):
    row, data = video
    response = filestore.ranged(RequestFactory().get("/"), row)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == data


def test_a_range_is_206_with_content_range(video):
    row, data = video
    response = filestore.ranged(RequestFactory().get("/", HTTP_RANGE="bytes=1000-1999"), row)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    assert response["Content-Length"] == "1000"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert _body(response) == data[1000:2000]


def test_a_range_longer_than_a_chunk(video, monkeypatch):
    row, data = video
    monkeypatch.setattr(filestore, "RANGE_CHUNK", 1000)
    response = filestore.ranged(RequestFactory().get("/", HTTP_RANGE="bytes=-4500"), row)
    assert response.status_code == 206
    assert _body(response) == data[-4500:]


def test_a_range_past_the_end_is_416(video):
    row, data = video
    response = filestore.ranged(RequestFactory().get("/", HTTP_RANGE="bytes=99999-"), row)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


# Videos are checked by their first bytes (``core/uploads/video.py``) ---------------------------
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(100)
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + bytes(100)


@pytest.mark.parametrize(("data", "kind"), [(MP4, "mp4"), (WEBM, "webm")])
def test_a_video_is_known_by_its_first_bytes(data, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangqun.core.uploads import video

    checked = video.check_video(SimpleUploadedFile("讲座.bin", data))
    assert (checked.kind, checked.extension, checked.safe_name) == (kind, kind, f"讲座.{kind}")
    assert checked.content_type == f"video/{kind}"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + bytes(100), b"\x1a\x45\xdf\xa3\x42\x82\x88matroska" + bytes(100), b"x"],
)
def test_other_files_are_not_videos(data):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangqun.core.uploads import video

    with pytest.raises(ValidationError, match="不是 MP4 或 WebM 视频"):
        video.check_video(SimpleUploadedFile("讲座.mp4", data))


def test_a_video_over_the_limit_is_refused(settings):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangqun.core.uploads import video

    settings.DANGQUN_VIDEO_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="超过"):
        video.check_video(SimpleUploadedFile("讲座.mp4", MP4))


def test_the_general_check_never_takes_a_video():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangqun.core import uploads

    with pytest.raises(ValidationError):
        uploads.check(SimpleUploadedFile("讲座.mp4", MP4))
