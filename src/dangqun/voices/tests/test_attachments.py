"""Attachments: checked by content, stripped of what could name the sender, stored under a random
name and handed only to those who may see the voice (or who hold its query code)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangqun.voices import attachments, handling
from dangqun.voices.models import Attachment, Voice
from dangqun.voices.posters import qr_token

pytestmark = pytest.mark.django_db
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name="现场.jpg"):
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[GPS_IFD] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_anonymous_photo_loses_its_location_and_reaches_only_those_who_may_see_it(
    client, world, mass, handler, media
):
    page = f"/v/{qr_token(world.dept_a)}/"
    sent = client.post(
        page,
        {
            "kind": "complaint",
            "title": "食堂卫生",
            "content": "后厨地面积水",
            "identity": "anonymous",
            "files": [photo()],
        },
    )
    assert sent.status_code == 200
    code = re.search(r'id="query-code">([A-Z0-9-]+)<', sent.content.decode()).group(1)
    stored = Attachment.objects.get()
    assert stored.name == "附件1.jpg" and stored.content_type == "image/jpeg"
    assert "现场" not in stored.file.name  # a random name on disk
    assert stored.event.action == "submit"
    kept = Image.open(stored.file.path)
    assert GPS_IFD not in kept.getexif() and 0x010F not in kept.getexif()

    voice = Voice.objects.get()
    client.force_login(mass)
    response = client.get(f"/voices/{voice.pk}/files/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert download(response)[:2] == b"\xff\xd8"
    assert "附件：附件1.jpg" in client.get(f"/voices/{voice.pk}/").content.decode()

    other = world.outsider  # a party admin of company B: cannot see the voice
    client.force_login(other)
    assert client.get(f"/voices/{voice.pk}/files/{stored.pk}/").status_code == 404

    # the handler answers with a file; the anonymous person fetches it with the code
    handling.assign(mass, voice, handling_org=world.dept_a)
    client.force_login(handler)
    client.post(f"/voices/{voice.pk}/respond/")
    answer_file = SimpleUploadedFile("整改通知.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    answered = client.post(
        f"/voices/{voice.pk}/answer/", {"text": "已整改", "solved": "1", "files": [answer_file]}
    )
    assert answered.status_code == 302
    pdf = Attachment.objects.get(event__action="answer")
    client.logout()
    page = client.post("/v/q/", {"code": code, "action": "view"}).content.decode()
    assert "附件：整改通知.pdf" in page
    got = client.post("/v/q/", {"code": code, "action": "file", "attachment": pdf.pk})
    assert got["Content-Disposition"].startswith("attachment") and download(got).startswith(b"%PDF")
    forged = client.post(
        "/v/q/", {"code": "AAAA-BBBB-CCCC", "action": "file", "attachment": pdf.pk}
    )
    assert "Content-Disposition" not in forged and "查询码不正确" in forged.content.decode()


def test_a_disguised_program_is_refused_and_nothing_is_lost(client, world):
    page = f"/v/{qr_token(world.dept_a)}/"
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = client.post(
        page,
        {
            "kind": "suggestion",
            "title": "班车",
            "content": "早班车太挤，希望加车",
            "identity": "anonymous",
            "files": [fake],
        },
    )
    html = response.content.decode()
    assert "照片.jpg" in html and "不是允许的类型" in html
    assert "早班车太挤，希望加车" in html  # what was typed stays in the form
    assert not Voice.objects.exists() and not Attachment.objects.exists()


def test_too_many_files_are_refused(client, world):
    page = f"/v/{qr_token(world.dept_a)}/"
    files = [photo(f"{n}.jpg") for n in range(10)]
    response = client.post(
        page,
        {
            "kind": "suggestion",
            "title": "t",
            "content": "c",
            "identity": "anonymous",
            "files": files,
        },
    )
    assert "最多上传 9 个" in response.content.decode()
    assert not Voice.objects.exists()


def test_the_person_adds_a_file_with_more_information(client, world, raise_voice):
    _, code = raise_voice()
    response = client.post(
        "/v/q/", {"code": code, "action": "info", "text": "补充照片", "files": [photo()]}
    )
    assert "补充信息已提交" in response.content.decode()
    assert Attachment.objects.get().event.action == "add_info"


def test_files_of_failed_uploads_are_swept_and_stored_ones_kept(client, world, raise_voice, media):
    import os
    import time

    _, code = raise_voice()
    client.post("/v/q/", {"code": code, "action": "info", "text": "补充照片", "files": [photo()]})
    kept = media / Attachment.objects.get().file.name
    orphan = media / "voices" / "2025" / "03" / "left-by-a-rolled-back-upload.jpg"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"\xff\xd8 not referenced")
    fresh = orphan.with_name("being-committed.jpg")
    fresh.write_bytes(b"\xff\xd8 just written")
    two_days_ago = time.time() - 2 * 86400
    for path in (kept, orphan):
        os.utime(path, (two_days_ago, two_days_ago))
    assert attachments.sweep_orphan_files() == 1
    assert kept.exists() and fresh.exists() and not orphan.exists()


def test_an_anonymous_voice_refuses_files_that_could_name_its_author(client, world, media):
    pdf = SimpleUploadedFile(
        "张三的投诉.pdf",
        b"%PDF-1.4\n1 0 obj<</Author(Zhang San)>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF",
        content_type="application/pdf",
    )
    text = {"kind": "complaint", "title": "加班", "content": "长期加班", "identity": "anonymous"}
    url = f"/v/{qr_token(world.dept_a)}/"
    html = client.post(url, {**text, "files": [pdf]}).content.decode()
    assert "匿名反映不能附 PDF" in html and "张三的投诉.pdf" in html and "长期加班" in html
    assert not Voice.objects.exists() and not list(media.rglob("*.pdf"))
    client.post(url, {**text, "files": [photo("张三拍的.jpg")]})
    [attachment] = Attachment.objects.all()
    assert attachment.name == "附件1.jpg"  # the original name said who took it
    named = {**text, "identity": "named", "contact_name": "陈女士"}
    pdf.seek(0)
    client.post(url, {**named, "files": [pdf]})
    assert Attachment.objects.filter(name="张三的投诉.pdf").exists()  # a named voice keeps it
