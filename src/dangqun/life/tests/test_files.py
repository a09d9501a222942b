"""Photos and documents of a meeting: checked by content, stripped of location, shown only to
those who may see the meeting, removable until the minutes are finalised and then only added with
an addendum."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dangqun.core.models import AuditLog
from dangqun.life import meeting_files, planning, recording
from dangqun.life.models import Kind, MeetingFile

pytestmark = pytest.mark.django_db
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def meeting(world, secretary):
    return planning.schedule(
        secretary,
        world.branch_a,
        {
            "kind": Kind.THEME_DAY,
            "topic": "参观红色教育基地",
            "starts_at": timezone.now() - timezone.timedelta(hours=1),
        },
    )


def photo(name="合影.jpg"):
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def page(client, meeting) -> str:
    return client.get(f"/life/{meeting.pk}/").content.decode()


def test_a_secretary_uploads_photos_that_lose_their_location(client, secretary, meeting):
    client.force_login(secretary)
    response = client.post(
        f"/life/{meeting.pk}/files/", {"files": [photo(), photo("讲稿.jpg")]}, follow=True
    )
    assert "已上传" in response.content.decode()
    rows = list(MeetingFile.objects.filter(meeting=meeting))
    assert [r.name for r in rows] == ["合影.jpg", "讲稿.jpg"]
    assert all(r.uploaded_by == secretary and r.addendum is None for r in rows)
    assert GPS_IFD not in Image.open(rows[0].file.path).getexif()
    assert "合影" not in rows[0].file.name
    html = page(client, meeting)
    assert f'src="/life/{meeting.pk}/files/{rows[0].pk}/?preview=1"' in html
    assert f'href="/life/{meeting.pk}/files/{rows[0].pk}/?inline=1"' in html
    preview = Image.open(rows[0].preview.path)
    assert preview.format == "JPEG" and preview.size == (40, 30)
    assert AuditLog.objects.filter(action="life.files").count() == 1


def test_a_disguised_program_is_refused_in_chinese_and_the_page_keeps_its_form(
    client, secretary, meeting
):
    client.force_login(secretary)
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(f"/life/{meeting.pk}/files/", {"files": [fake]})
    assert response.status_code == 422
    assert "照片.jpg" in response.content.decode()
    assert not MeetingFile.objects.exists()


def test_an_image_is_shown_inline_and_a_document_only_downloads(client, world, secretary, meeting):
    client.force_login(secretary)
    client.post(f"/life/{meeting.pk}/files/", {"files": [photo()]})
    row = MeetingFile.objects.get()
    url = f"/life/{meeting.pk}/files/{row.pk}/"
    shown = client.get(url + "?inline=1")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Cache-Control"] == "private, max-age=86400"  # a page's photo, kept by this user
    small = client.get(url + "?preview=1")
    assert small["Content-Type"] == "image/jpeg" and small["Content-Disposition"].startswith(
        "inline"
    )
    document = client.get(url)
    assert document["Content-Disposition"].startswith("attachment")
    assert document["Cache-Control"] == "private, no-store"
    # A member expected at the meeting sees it; another company's 党委 does not.
    client.force_login(world.member)
    assert client.get(url).status_code == 200
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    # A file of another meeting under this meeting's address: not found.
    other = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.PARTY_LECTURE, "topic": "党课", "starts_at": timezone.now()},
    )
    client.force_login(secretary)
    assert client.get(f"/life/{other.pk}/files/{row.pk}/").status_code == 404


def test_a_member_may_not_upload_or_remove(client, world, secretary, meeting):
    client.force_login(secretary)
    client.post(f"/life/{meeting.pk}/files/", {"files": [photo()]})
    row = MeetingFile.objects.get()
    client.force_login(world.member)
    assert client.post(f"/life/{meeting.pk}/files/", {"files": [photo()]}).status_code == 403
    assert client.post(f"/life/{meeting.pk}/remove_file/", {"file": row.pk}).status_code == 403
    assert MeetingFile.objects.count() == 1


def test_files_are_removed_until_finalised_then_only_added_with_an_addendum(
    client, secretary, meeting, media, django_capture_on_commit_callbacks
):
    client.force_login(secretary)
    client.post(f"/life/{meeting.pk}/files/", {"files": [photo(), photo("第二张.jpg")]})
    first, second = MeetingFile.objects.order_by("pk")
    path, preview = first.file.path, first.preview.path
    with django_capture_on_commit_callbacks(execute=True):
        with_removal = client.post(
            f"/life/{meeting.pk}/remove_file/", {"file": first.pk}, follow=True
        )
    assert "已删除文件" in with_removal.content.decode()
    assert not os.path.exists(path) and not os.path.exists(preview)  # gone after the commit

    recording.update(secretary, meeting, {"minutes": "参观了纪念馆"})
    recording.finalise(secretary, meeting)
    refused = client.post(f"/life/{meeting.pk}/files/", {"files": [photo()]}, follow=True)
    assert "请在补充说明中上传" in refused.content.decode()
    client.post(f"/life/{meeting.pk}/remove_file/", {"file": second.pk})
    assert MeetingFile.objects.filter(pk=second.pk).exists()  # frozen with the minutes

    client.post(
        f"/life/{meeting.pk}/addendum/", {"text": "补充活动照片", "files": [photo("补拍.jpg")]}
    )
    added = MeetingFile.objects.get(name="补拍.jpg")
    assert added.addendum.text == "补充活动照片"
    html = page(client, meeting)
    assert f"/life/{meeting.pk}/files/{added.pk}/" in html
    assert "remove_file" not in html


def test_too_many_files_are_refused_before_anything_is_written(secretary, meeting, media, settings):
    from dangqun.core import uploads

    meeting_files.MAX_FILES, saved = 2, meeting_files.MAX_FILES
    try:
        meeting_files.add_files(secretary, meeting, uploads.check_all([photo(), photo("二.jpg")]))
        with pytest.raises(Exception, match="最多保存 2 个"):
            meeting_files.add_files(secretary, meeting, uploads.check_all([photo("三.jpg")]))
    finally:
        meeting_files.MAX_FILES = saved
    assert MeetingFile.objects.count() == 2
    assert len(list((media / "life").rglob("*.jpg"))) == 4  # two photos and their previews


def test_orphan_files_are_swept_and_kept_ones_stay(secretary, meeting, media):
    from dangqun.core import uploads

    meeting_files.add_files(secretary, meeting, uploads.check_all([photo()]))
    orphan = media / "life" / "2020" / "01" / "orphan.jpg"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")
    old = time.time() - 3 * 86400
    for path in (media / "life").rglob("*.jpg"):
        os.utime(path, (old, old))
    assert meeting_files.sweep_orphan_files() == 1
    assert not orphan.exists()
    kept = MeetingFile.objects.get()
    assert os.path.exists(kept.file.path) and os.path.exists(kept.preview.path)


def test_the_printed_minutes_carry_the_photos_and_the_annual_record_counts_them(
    client, secretary, meeting
):
    import pypdf

    from dangqun.core import uploads

    docx = SimpleUploadedFile("讲稿.docx", _docx())
    meeting_files.add_files(secretary, meeting, uploads.check_all([photo(), docx]))
    recording.update(secretary, meeting, {"minutes": "参观了纪念馆"})
    recording.finalise(secretary, meeting)
    client.force_login(secretary)
    reader = pypdf.PdfReader(io.BytesIO(client.get(f"/life/{meeting.pk}/minutes.pdf").content))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "附件：讲稿.docx" in text
    assert sum(len(p.images) for p in reader.pages) == 1
    year = timezone.localdate().year
    record = client.get("/life/radar/record.pdf", {"org": meeting.org_id, "year": year})
    reader = pypdf.PdfReader(io.BytesIO(record.content))
    assert "照片 1 张" in "".join(p.extract_text() for p in reader.pages)
    assert sum(len(p.images) for p in reader.pages) == 0


def test_a_long_screenshot_fits_the_printed_page_as_a_small_picture(client, secretary, meeting):
    import pypdf

    from dangqun.core import uploads

    out = io.BytesIO()
    Image.new("RGB", (1080, 4000), "white").save(out, "PNG")
    long = SimpleUploadedFile("长截图.png", out.getvalue())
    meeting_files.add_files(secretary, meeting, uploads.check_all([long]))
    assert Image.open(MeetingFile.objects.get().preview.path).size == (216, 800)
    client.force_login(secretary)
    response = client.get(f"/life/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200
    [picture] = [i for p in pypdf.PdfReader(io.BytesIO(response.content)).pages for i in p.images]
    assert picture.image.size == (216, 800)  # the preview, not the 4,000-pixel original


def _docx() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()
