"""An anonymous voice from a unit's QR page on a phone, with a photo attached: a file whose content
is not allowed is refused in Chinese without losing what was typed, the photo is stored, and the
staff who handle the voice can download it."""

import io

import pytest
from PIL import Image

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "车间通道堆放杂物"
CONTENT = "二号车间东侧通道长期堆放纸箱，影响消防通行，见附图。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def files(tmp_path):
    """A real 20×20 PNG, and two files the upload check must refuse whatever their names say."""
    folder = tmp_path / "phone"
    folder.mkdir()
    photo = folder / "现场照片.png"
    Image.new("RGB", (20, 20), (200, 30, 40)).save(photo, "PNG")
    program = folder / "整改通知.png"  # a program renamed to look like a picture
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xffThis program")
    drawing = folder / "示意图.svg"  # SVG can carry script
    drawing.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        encoding="utf-8",
    )
    return {"photo": photo, "program": program, "drawing": drawing}


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_an_anonymous_voice_with_a_photo_reaches_the_staff_as_a_download(
    page, world, make_user, files
):
    from dangqun.voices.models import Attachment, Identity, Voice
    from dangqun.voices.posters import qr_token

    make_user("mass", role="mass_admin", org=world.company_a)
    page.goto(f"{page.base_url}/v/{qr_token(world.dept_a)}/")
    page.select_option("#id_kind", "complaint")
    page.fill("#id_title", TITLE)
    page.fill("#id_content", CONTENT)
    page.check("input[name=identity][value=anonymous]")

    # files that are not allowed are refused by their content, and what was typed stays
    for bad in (files["program"], files["drawing"]):
        page.set_input_files("#id_files", str(bad))
        page.click("#voice-form button[type=submit]")
        error = page.locator("#voice-form .invalid-feedback", has_text=bad.name)
        error.wait_for()
        message = error.inner_text()
        assert "内容不是允许的类型" in message, message
        assert "图片" in message and "PDF" in message, "it says what is allowed"
        assert page.input_value("#id_title") == TITLE
        assert page.input_value("#id_content") == CONTENT
        assert page.input_value("#id_kind") == "complaint"
        assert page.is_checked("input[name=identity][value=anonymous]")
        assert page.locator("#query-code").count() == 0
        fits(page)
    assert not Voice.objects.exists() and not Attachment.objects.exists()

    # the real photo goes through (a browser never keeps a chosen file: pick it again)
    page.set_input_files("#id_files", str(files["photo"]))
    page.click("#voice-form button[type=submit]")
    code = page.inner_text("#query-code").strip()
    assert len(code) == 14
    fits(page)
    voice = Voice.objects.get()
    assert (voice.title, voice.identity, voice.user) == (TITLE, Identity.ANONYMOUS, None)
    assert voice.attachments.count() == 1
    stored = voice.attachments.get()
    assert (stored.name, stored.content_type) == (
        "附件1.png",
        "image/png",
    )  # anonymous: no original name

    # 群工 opens the voice and downloads the photo
    page.context.clear_cookies()
    log_in(page, "mass")
    page.goto(f"{page.base_url}/voices/")
    page.click(f"#voice-table a:has-text('{voice.number}')")
    link = page.locator("#history a.attachment")
    assert link.count() == 1
    assert link.inner_text() == "附件：附件1.png"
    assert "匿名" in page.inner_text("#raised-by")
    fits(page)
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.body()
    with stored.file.open("rb") as kept:
        assert body == kept.read()
    image = Image.open(io.BytesIO(body))
    assert (image.format, image.size) == ("PNG", (20, 20))
    assert image.convert("RGB").getpixel((10, 10)) == (200, 30, 40)

    # without a login the same address gives nothing away
    page.context.clear_cookies()
    anonymous = page.request.get(page.base_url + link.get_attribute("href"), max_redirects=0)
    assert anonymous.status == 302 and "/accounts/login/" in anonymous.headers["location"]
