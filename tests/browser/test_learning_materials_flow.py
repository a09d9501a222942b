"""学习资料 on a phone: a member goes from 我的学时 to 我的学习资料, opens a picture material (the
picture loads) and the 党章 PDF (it downloads as a PDF), confirms 已学 with a 心得体会, and the
organiser sees the reach as counts and rates and reads the note; every page fits 375 px."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_member_reads_and_confirms_with_a_note(page, world, settings, tmp_path):
    from dangqun.learning import materials
    from dangqun.learning.material_models import Study
    from dangqun.seed.learning_materials import party_constitution_pdf, poster_png

    settings.MEDIA_ROOT = str(tmp_path)
    due = dt.date.today() + dt.timedelta(days=3)

    def publish(title, name, data, tag):
        fields = {
            "org": world.branch_a,
            "title": title,
            "kind": "document",
            "url": "",
            "description": "请认真学习。",
            "due_on": due,
            "audience_who": "members",
            "tags": [tag],
        }
        upload = SimpleUploadedFile(name, data)
        return materials.publish(world.owner, materials.create(world.owner, fields, upload))

    constitution = publish("党章学习摘编", "党章.pdf", party_constitution_pdf(), "党章党规")
    poster = publish("安全生产知识图解", "图解.png", poster_png(), "业务知识")

    log_in(page, "member")
    page.goto(page.base_url + "/learning/ledger/")
    page.click("#learning-nav >> text=我的学习资料")
    page.wait_for_selector("#materials-list")
    assert "党章学习摘编" in page.inner_text("#materials-list")
    fits(page)
    page.click("#material-tags >> text=业务知识")
    assert "党章学习摘编" not in page.inner_text("#materials-list")
    page.click("#materials-list >> text=安全生产知识图解")
    page.wait_for_function("() => document.querySelector('#material-image').complete")
    assert page.locator("#material-image").evaluate("img => img.naturalWidth") > 0
    fits(page)

    page.goto(f"{page.base_url}/learning/materials/{constitution.pk}/")
    link = page.locator("#material-file")
    assert link.is_visible()
    pdf = page.request.get(page.base_url + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.fill("#id_note", "党员要把义务落实到岗位上。")
    fits(page)
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#confirmed")
    assert "已确认学完" in page.inner_text("body")
    fits(page)
    study = Study.objects.get(material=constitution)
    assert study.confirmed_at and study.note == "党员要把义务落实到岗位上。"
    assert Study.objects.get(material=poster).confirmed_at is None

    page.context.clear_cookies()
    log_in(page, "owner")
    page.goto(page.base_url + "/learning/materials/manage/")
    table = page.inner_text("#materials-table")
    assert "1 人（50%）" in table and "张三" not in table
    fits(page)
    page.goto(f"{page.base_url}/learning/materials/{constitution.pk}/notes/")
    assert "党员要把义务落实到岗位上。" in page.inner_text("#notes-list")
    fits(page)
