"""The pages of study materials: who opens what, a member's flow, the organiser's list (reach,
no ranking), the file with range requests, and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangqun.core import pdf
from dangqun.learning import materials
from dangqun.learning.material_models import Material, Study


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def create(user, org, **extra):
    data = {
        "org": org,
        "title": "学习党章",
        "kind": "link",
        "url": "https://www.12371.cn/",
        "audience_who": "members",
        "tags": ["党章党规"],
        "due_on": dt.date.today() + dt.timedelta(days=5),
        **extra,
    }
    upload = data.pop("upload", None)
    return materials.publish(user, materials.create(user, data, upload))


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(5000)


@pytest.fixture
def video(world, secretary):
    upload = SimpleUploadedFile("讲座.mp4", MP4, content_type="video/mp4")
    return create(secretary, world.branch_a, kind="video", url="", upload=upload)


def test_member_opens_and_confirms_with_a_note(world, client):
    material = create(world.owner, world.branch_a)
    client.force_login(world.member)
    page = client.get(reverse("learning:materials"))
    assert page.status_code == 200
    assert "学习党章" in page.content.decode()
    detail = client.get(reverse("learning:material", args=[material.pk]))
    assert detail.status_code == 200
    assert Study.objects.get().opened_at is not None
    done = client.post(
        reverse("learning:material_act", args=[material.pk, "confirm"]), {"note": "受益匪浅"}
    )
    assert done.status_code == 302
    study = Study.objects.get()
    assert study.confirmed_at and study.note == "受益匪浅"
    assert "已学" in client.get(reverse("learning:material", args=[material.pk])).content.decode()


def test_a_too_long_note_is_refused_in_chinese(world, client):
    material = create(world.owner, world.branch_a)
    client.force_login(world.member)
    url = reverse("learning:material_act", args=[material.pk, "confirm"])
    page = client.post(url, {"note": "学" * 1001}, follow=True)
    assert "心得体会（可不填）不能超过 1000 个字" in page.content.decode()
    assert not Study.objects.filter(confirmed_at__isnull=False).exists()


def test_outsiders_get_404_and_members_cannot_publish(world, client, make_user):
    material = create(world.owner, world.branch_a)
    zhao = make_user("zhao", person=world.zhao)
    client.force_login(zhao)
    assert client.get(reverse("learning:material", args=[material.pk])).status_code == 404
    assert client.get(reverse("learning:material_file", args=[material.pk])).status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse("learning:material", args=[material.pk])).status_code == 404
    assert client.get(reverse("learning:material_notes", args=[material.pk])).status_code == 404
    client.force_login(world.member)
    url = reverse("learning:material_act", args=[material.pk, "withdraw"])
    assert client.post(url).status_code == 403
    assert client.get(reverse("learning:materials_manage")).status_code == 403
    assert client.get(reverse("learning:material_new")).status_code == 403
    assert client.get(reverse("learning:material_notes", args=[material.pk])).status_code == 403
    assert client.get(reverse("learning:material_edit", args=[material.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("learning:materials")).status_code == 302


def test_organiser_creates_from_the_form(world, client, secretary):
    client.force_login(secretary)
    assert client.get(reverse("learning:material_new")).status_code == 200
    data = pdf.build("党章", [pdf.text("总纲")])
    bad = client.post(
        reverse("learning:material_new"),
        {
            "org": world.branch_a.pk,
            "title": "党章",
            "kind": "link",
            "url": "http://x.cn",
            "audience_who": "members",
        },
    )
    assert bad.status_code == 422
    assert "https://" in bad.content.decode()
    assert not Material.objects.exists()
    made = client.post(
        reverse("learning:material_new"),
        {
            "org": world.branch_a.pk,
            "title": "党章",
            "kind": "document",
            "audience_who": "members",
            "tags": "党章党规、二十大精神",
            "upload": SimpleUploadedFile("党章.pdf", data, content_type="application/pdf"),
        },
    )
    assert made.status_code == 302
    material = Material.objects.get()
    assert sorted(material.tags.values_list("name", flat=True)) == ["二十大精神", "党章党规"]
    file = client.get(reverse("learning:material_file", args=[material.pk]))
    assert file.status_code == 200
    assert file["Content-Type"] == "application/pdf"
    assert file["Content-Security-Policy"] == "sandbox; default-src 'none'"
    edit = client.get(reverse("learning:material_edit", args=[material.pk]))
    assert edit.status_code == 200
    assert "党章党规、二十大精神" in edit.content.decode()


def test_a_video_seeks_by_range(world, client, video):
    client.force_login(world.member)
    url = reverse("learning:material_file", args=[video.pk])
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(MP4)}"
    assert b"".join(part.streaming_content) == MP4[100:200]
    assert client.get(url, HTTP_RANGE=f"bytes={len(MP4)}-").status_code == 416
    page = client.get(reverse("learning:material", args=[video.pk])).content.decode()
    assert "<video" in page


def test_manage_shows_counts_and_rates_not_names(world, client, secretary):
    material = create(secretary, world.branch_a)
    client.force_login(world.member)
    client.post(reverse("learning:material_act", args=[material.pk, "confirm"]))
    client.force_login(secretary)
    page = client.get(reverse("learning:materials_manage")).content.decode()
    assert "2 人" in page and "1 人（50%）" in page
    assert "张三" not in page
    assert "不公开个人排名" in page


def test_notes_page(world, client, secretary):
    material = create(secretary, world.branch_a)
    client.force_login(world.member)
    client.post(reverse("learning:material_act", args=[material.pk, "confirm"]), {"note": "心得一"})
    client.force_login(secretary)
    page = client.get(reverse("learning:material_notes", args=[material.pk]))
    assert page.status_code == 200
    assert "心得一" in page.content.decode()


def test_ledger_links_the_materials(world, client, secretary):
    client.force_login(secretary)
    page = client.get(reverse("learning:ledger")).content.decode()
    assert reverse("learning:materials") in page
    assert reverse("learning:materials_manage") in page
    client.force_login(world.member)
    page = client.get(reverse("learning:ledger")).content.decode()
    assert reverse("learning:materials") in page
    assert reverse("learning:materials_manage") not in page


@pytest.mark.parametrize("count", [1, 4])
def test_my_list_queries_are_pinned(world, client, django_assert_num_queries, count):
    for i in range(count):
        create(world.owner, world.branch_a, title=f"资料{i}", tags=[f"主题{i}"])
    client.force_login(world.member)
    client.get(reverse("learning:materials"))
    with django_assert_num_queries(11):
        assert client.get(reverse("learning:materials")).status_code == 200


@pytest.mark.parametrize("count", [1, 4])
def test_manage_list_queries_one_per_material_for_reach(
    world, client, secretary, django_assert_num_queries, count
):
    for i in range(count):
        create(secretary, world.branch_a, title=f"资料{i}")
    client.force_login(secretary)
    client.get(reverse("learning:materials_manage"))
    with django_assert_num_queries(9 + count):  # the reach: one query per material, 20 at most
        assert client.get(reverse("learning:materials_manage")).status_code == 200
