"""Items: writing (sanitised text, images that are images, attachments), publishing now or at a
time, pinning, withdrawing with a reason; audience resolution, including a person moving unit
between publishing and reading; bad input refused in Chinese with nothing written."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dangqun.core.models import AuditLog
from dangqun.notices.models import Notice
from dangqun.people import services as people_services
from dangqun.publicity import content, items, notify, reading, services
from dangqun.publicity.models import Item, ItemFile, ItemStatus, Receipt


def png_upload(name="图.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_script_in_rich_text_is_stripped():
    dirty = (
        '<p onclick="x()">正文<script>alert(1)</script></p><img src="https://evil/x.png">'
        '<a href="javascript:alert(1)">链接</a><style>p{}</style><img src="/publicity/files/3/">'
    )
    clean = content.clean(dirty)
    assert "script" not in clean and "alert" not in clean and "onclick" not in clean
    assert "evil" not in clean and "style" not in clean
    assert '<img src="/publicity/files/3/">' in clean
    assert "<p>正文</p>" in clean
    assert content.clean("第一段\n\n第二段<") == "<p>第一段</p><p>第二段&lt;</p>"


def test_create_stores_sanitised_body_and_images(world, make_item):
    item = items.create(
        world.owner,
        {
            "org": world.committee_a,
            "kind": "notice",
            "title": "安全生产通知",
            "body": "<p>注意安全</p><script>alert(1)</script>",
            "theme": _theme(),
            "audience_who": "everyone",
        },
        images=[png_upload()],
    )
    assert item.body == "<p>注意安全</p>"
    row = ItemFile.objects.get(item=item)
    assert row.is_image and row.preview
    assert AuditLog.objects.filter(action="publicity.item_create").count() == 1


def _theme():
    from dangqun.publicity.models import Theme

    return Theme.ensure_defaults()["安全"]


def test_an_image_that_is_not_an_image_is_refused_and_nothing_written(world):
    fake = SimpleUploadedFile("照片.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        items.create(
            world.owner,
            {"org": world.committee_a, "kind": "article", "title": "标题", "theme": _theme()},
            images=[fake],
        )
    assert "不是图片" in str(refused.value)
    assert not Item.objects.exists()
    assert not ItemFile.objects.exists()


def test_withdraw_needs_a_reason_and_stays_in_history(world, make_item):
    item = make_item()
    with pytest.raises(ValidationError) as refused:
        items.withdraw(world.owner, item, "  ")
    assert "请填写撤回原因" in str(refused.value)
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert not AuditLog.objects.filter(action="publicity.item_withdraw").exists()
    items.withdraw(world.owner, item, "内容有误，修订后重发")
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN and item.withdraw_reason
    assert services.require_visible(world.owner, item.pk) == item


def test_a_reader_who_opened_a_withdrawn_item_still_sees_it_shown_withdrawn(world, make_item):
    item = make_item()
    reading.open_item(world.member, item)
    items.withdraw(world.owner, item, "过期")
    assert services.require_visible(world.member, item.pk).status == ItemStatus.WITHDRAWN
    assert not reading.mine(world.member).exists()


def test_outsider_cannot_publish_in_anothers_name(world, make_item, theme):
    with pytest.raises(PermissionDenied):
        items.create(
            world.outsider,
            {"org": world.committee_a, "kind": "article", "title": "越权", "theme": theme},
        )
    item = make_item(publish=False)
    with pytest.raises(PermissionDenied):
        items.publish(world.outsider, item)


def test_scheduled_item_is_hidden_until_its_time_then_announced_once(world, make_item):
    later = timezone.now() + dt.timedelta(hours=2)
    item = make_item(publish_at=later)
    assert item.is_scheduled
    assert not reading.mine(world.member).exists()
    assert not Notice.objects.filter(kind=notify.KIND).exists()
    Item.objects.filter(pk=item.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))
    told = notify.announce_due()
    assert told == 1  # 张三 is the only member with an account
    assert notify.announce_due() == 0
    assert list(reading.mine(world.member)) == [item]


def test_published_required_item_tells_its_audience_in_the_bell(world, make_item):
    make_item()
    assert Notice.objects.filter(user=world.member, kind=notify.KIND).count() == 1


def test_audience_by_status(world, make_item, make_user):
    li_user = make_user("li", person=world.li)
    wang_user = make_user("wang", person=world.wang)
    full = make_item(audience_who="full", title="正式党员")
    everyone = make_item(audience_who="everyone", title="全体职工")
    assert set(reading.mine(world.member)) == {full, everyone}
    assert set(reading.mine(li_user)) == {everyone}  # 预备党员
    assert set(reading.mine(wang_user)) == {everyone}  # not a member
    zhao = make_user("zhao", person=world.zhao)
    assert not reading.mine(zhao).exists()  # company B, outside the sub-tree


def test_person_moving_unit_between_publish_and_read(world, make_item, make_user):
    """Sent to company A's employees; 赵六 moves from company B to company A after publishing:
    the item is for them now (placed by where they are), and 王五 leaving A loses it."""
    item = make_item(audience_who="everyone", audience_orgs=[world.company_a], required=False)
    zhao = make_user("zhao", person=world.zhao)
    wang = make_user("wang", person=world.wang)
    assert not services.is_for(zhao, item)
    assert services.is_for(wang, item)
    people_services.update_person(None, world.zhao, {"unit": world.dept_a})
    people_services.update_person(None, world.wang, {"unit": world.dept_b})
    zhao.person.refresh_from_db()
    wang.person.refresh_from_db()
    assert services.is_for(zhao, item)
    reading.open_item(zhao, item)
    assert Receipt.objects.filter(item=item, person=world.zhao).exists()
    assert not services.is_for(wang, item)
    with pytest.raises(ValidationError):
        reading.open_item(wang, item)


def test_an_item_above_is_kept_only_where_its_audience_reaches(world, make_item, make_user):
    """The group's item for 乙公司's 书记和委员 is not 甲公司's to read (security review); one for the
    whole group is, and 乙公司's admin keeps the first."""
    from django.http import Http404

    from dangqun.publicity import services

    group_admin = make_user("groupadmin", role="party_admin", org=world.committee)
    for_b = make_item(
        user=group_admin,
        org=world.committee,
        audience_who="leaders",
        audience_orgs=[world.committee_b],
        title="乙公司党组织书记会议通知",
    )
    for_all = make_item(user=group_admin, org=world.committee, title="全集团党员学习通知")
    kept_by_a = set(services.kept_by(world.owner))
    assert for_all in kept_by_a and for_b not in kept_by_a
    with pytest.raises(Http404):
        services.require_visible(world.owner, for_b.pk)
    assert for_b in set(services.kept_by(world.outsider))
    assert services.require_visible(world.outsider, for_b.pk) == for_b
