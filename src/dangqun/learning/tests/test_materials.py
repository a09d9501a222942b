"""Study materials (issue #17 §2): organising, a member's list, opening, 一键"已学" with a note,
who reads notes, reach as counts and rates, notices, and the pages' permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangqun.core import pdf
from dangqun.core.audit import AuditLog
from dangqun.learning import material_notify, materials, studies
from dangqun.learning.material_models import Material, MaterialFile, MaterialStatus, Study, Tag
from dangqun.notices.models import Notice


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def pdf_upload(name="党章.pdf"):
    data = pdf.build("党章（节选）", [pdf.text("第一条 年满十八岁的中国工人……")])
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def li_user(world, make_user):
    return make_user("li", person=world.li)


def make(user, org, **extra):
    data = {
        "org": org,
        "title": "学习党章",
        "kind": "link",
        "url": "https://www.12371.cn/",
        "description": "",
        "due_on": None,
        "audience_who": "members",
        "tags": ["党章党规"],
        **extra,
    }
    return materials.create(user, data, extra.pop("upload", None))


@pytest.fixture
def published(world, secretary):
    material = make(secretary, world.branch_a, due_on=world.today + dt.timedelta(days=7))
    return materials.publish(secretary, material)


def test_a_document_is_stored_and_audited(world, secretary):
    material = make(secretary, world.branch_a, kind="document", url="", upload=pdf_upload())
    row = MaterialFile.objects.get(material=material)
    assert row.content_type == "application/pdf"
    assert row.name == "党章.pdf"
    assert material.status == MaterialStatus.DRAFT
    assert list(material.tags.values_list("name", flat=True)) == ["党章党规"]
    assert AuditLog.objects.filter(action="learning.material_create").count() == 1


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"url": "http://example.com/"}, "url", "https://"),
        ({"url": "javascript:alert(1)"}, "url", "https://"),
        ({"kind": "document", "url": ""}, "upload", "请上传文件"),
        ({"kind": "video", "url": ""}, "upload", "请上传视频"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_written(
    world, secretary, extra, field, message
):
    with pytest.raises(ValidationError) as refused:
        make(secretary, world.branch_a, **extra)
    assert message in refused.value.message_dict[field][0]
    assert not Material.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="learning.").exists()


def test_a_renamed_file_is_not_a_video(world, secretary):
    fake = SimpleUploadedFile("讲座.mp4", b"not a video at all", content_type="video/mp4")
    with pytest.raises(ValidationError, match="不是 MP4 或 WebM"):
        make(secretary, world.branch_a, kind="video", url="", upload=fake)
    assert not Material.objects.exists()


def test_only_organisers_of_the_org_create(world, secretary, li_user):
    with pytest.raises(PermissionDenied):
        make(secretary, world.branch_b)
    with pytest.raises(PermissionDenied):
        make(li_user, world.branch_a)


def test_publish_tells_the_audience_once(world, secretary, member, li_user, make_user):
    zhao = make_user("zhao", person=world.zhao)
    material = make(secretary, world.branch_a, due_on=world.today + dt.timedelta(days=3))
    material = materials.publish(secretary, material)
    told = set(Notice.objects.filter(kind="learning.material").values_list("user_id", flat=True))
    assert told == {member.pk, li_user.pk}
    assert zhao.pk not in told
    with pytest.raises(ValidationError, match="只有草稿"):
        material = materials.publish(secretary, material)
    assert Notice.objects.filter(kind="learning.material").count() == 2


def test_no_due_date_no_notice(world, secretary, member):
    materials.publish(secretary, make(secretary, world.branch_a))
    assert not Notice.objects.exists()


def test_a_past_due_date_cannot_be_published(world, secretary):
    material = make(secretary, world.branch_a, due_on=world.today - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        material = materials.publish(secretary, material)


def test_the_day_before_those_not_done_are_reminded_once(world, secretary, member, li_user):
    material = make(secretary, world.branch_a, due_on=world.today + dt.timedelta(days=1))
    material = materials.publish(secretary, material)
    studies.confirm(member, material)
    assert material_notify.remind_due(world.today) == 1
    assert material_notify.remind_due(world.today) == 0
    due = Notice.objects.filter(kind="learning.material_due")
    assert list(due.values_list("user_id", flat=True)) == [li_user.pk]
    assert material_notify.remind_due(world.today - dt.timedelta(days=1)) == 0


@pytest.fixture
def member(world):
    return world.member


def test_my_materials_due_soonest_first_and_by_tag(world, secretary, member):
    late = make(secretary, world.branch_a, title="晚", due_on=world.today + dt.timedelta(days=9))
    none = make(secretary, world.branch_a, title="无期限", tags=["业务知识"])
    soon = make(secretary, world.branch_a, title="早", due_on=world.today + dt.timedelta(days=2))
    draft = make(secretary, world.branch_a, title="草稿")
    for m in (late, none, soon):
        m = materials.publish(secretary, m)
    assert [m.title for m in studies.mine(member)] == ["早", "晚", "无期限"]
    assert [m.title for m in studies.mine(member, "业务知识")] == ["无期限"]
    assert draft.pk not in {m.pk for m in studies.mine(member)}
    materials.withdraw(secretary, late)
    assert [m.title for m in studies.mine(member)] == ["早", "无期限"]
    assert Material.objects.filter(pk=late.pk, status=MaterialStatus.WITHDRAWN).exists()


def test_opening_keeps_the_first_time(world, published, member):
    first = studies.open_material(member, published).opened_at
    again = studies.open_material(member, published).opened_at
    assert first == again
    assert Study.objects.count() == 1


def test_a_member_outside_the_audience_cannot_confirm(world, published, make_user):
    zhao = make_user("zhao", person=world.zhao)
    with pytest.raises(ValidationError, match="不在您的学习任务中"):
        studies.confirm(zhao, published)
    assert not Study.objects.exists()


def test_confirm_with_a_note_and_its_limit(world, published, member):
    with pytest.raises(ValidationError, match="1000"):
        studies.confirm(member, published, "学" * 1001)
    assert not Study.objects.filter(confirmed_at__isnull=False).exists()
    study = studies.confirm(member, published, "  党章是立党治党管党的总章程。 ")
    assert study.note == "党章是立党治党管党的总章程。"
    assert study.opened_at and study.confirmed_at
    first = study.confirmed_at
    again = studies.confirm(member, published, "补充")
    assert again.confirmed_at == first and again.note == "补充"


def test_who_reads_notes(world, published, member, secretary, make_user, li_user):
    studies.confirm(member, published, "心得")
    committee = world.owner  # party_admin of 甲公司党委: organises for the branch's sub-tree too
    outsider = world.outsider
    other_secretary = make_user("sec_b", role="branch_secretary", org=world.branch_b)
    assert [s.note for s in studies.notes_for(secretary, published)] == ["心得"]
    assert [s.note for s in studies.notes_for(committee, published)] == ["心得"]
    for user in (outsider, other_secretary, li_user, world.reader):
        assert not studies.notes_for(user, published).exists(), user
    # a 党委's material: its organiser and the member's branch read, another branch does not
    above = make(committee, world.committee_a, title="党委资料")
    above = materials.publish(committee, above)
    studies.confirm(member, above, "党委资料心得")
    assert studies.notes_for(committee, above).count() == 1
    assert studies.notes_for(secretary, above).count() == 1
    assert not studies.notes_for(other_secretary, above).exists()


def test_reach(world, member, li_user, make_user):
    committee = world.owner
    material = make(committee, world.committee_a)
    material = materials.publish(committee, material)
    studies.open_material(li_user, material)
    studies.confirm(member, material)
    reach = studies.reach(committee, material)
    assert (reach.assigned, reach.opened, reach.confirmed) == (2, 2, 1)
    assert (reach.opened_rate, reach.confirmed_rate) == (100, 50)
    assert studies.reach(world.outsider, material).assigned == 0


def test_edit_keeps_history_and_a_withdrawn_material_is_final(world, secretary):
    material = make(secretary, world.branch_a, kind="document", url="", upload=pdf_upload())
    changed = materials.update(
        secretary,
        material,
        {"title": "党章（修订）", "tags": ["党章党规", "二十大精神"], "kind": "document"},
        pdf_upload("党章修订.pdf"),
    )
    assert changed.title == "党章（修订）"
    assert sorted(changed.tags.values_list("name", flat=True)) == ["二十大精神", "党章党规"]
    assert [f.name for f in MaterialFile.objects.filter(material=material)] == [
        "党章修订.pdf",
        "党章.pdf",
    ]
    assert materials.current_file(changed).name == "党章修订.pdf"
    assert Tag.objects.count() == 2
    update = AuditLog.objects.get(action="learning.material_update")
    assert update.before["title"] == "学习党章" and update.after["title"] == "党章（修订）"
    changed = materials.withdraw(secretary, materials.publish(secretary, changed))
    with pytest.raises(ValidationError, match="已撤回"):
        materials.update(secretary, changed, {"title": "再改"})
    assert Material.objects.get(pk=material.pk).title == "党章（修订）"


def test_orphan_files_are_swept_and_kept_ones_stay(world, secretary, settings, tmp_path):
    import os
    from pathlib import Path

    material = make(secretary, world.branch_a, kind="document", url="", upload=pdf_upload())
    kept = Path(settings.MEDIA_ROOT) / MaterialFile.objects.get(material=material).file.name
    orphan = kept.with_name("orphan.pdf")
    orphan.write_bytes(b"%PDF-1.4")
    for path in (kept, orphan):
        os.utime(path, (0, 0))
    assert materials.sweep_orphan_files() == 1
    assert kept.exists() and not orphan.exists()


def test_a_large_audience_is_told_a_chunk_at_a_time(world, secretary, li_user, monkeypatch):
    monkeypatch.setattr(material_notify, "CHUNK", 1)
    material = make(secretary, world.branch_a, due_on=world.today + dt.timedelta(days=1))
    materials.publish(secretary, material)
    assert Notice.objects.filter(kind="learning.material").count() == 2
    assert material_notify.remind_due(world.today) == 2
    assert material_notify.remind_due(world.today) == 0
