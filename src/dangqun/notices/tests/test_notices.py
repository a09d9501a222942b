"""The bell: notices reach the right people once, are read on opening, and go out by e-mail
only when SMTP is configured."""

import pytest
from django.core import mail

from dangqun.notices import services
from dangqun.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_a_keyed_notice_reaches_each_user_once(world):
    users = [world.owner, world.reader]
    assert services.notify(users, kind="t", title="一", key="k1") == 2
    assert services.notify(users, kind="t", title="一", key="k1") == 0
    assert services.notify([world.owner], kind="t", title="二") == 1
    assert services.unread_count(world.owner) == 2


def test_holders_are_the_nearest_level_with_the_capability(world, make_user):
    company = make_user("mass_a", role="mass_admin", org=world.company_a)
    group = make_user("mass_g", role="mass_admin", org=world.group)
    everyone = set(services.holders("voices.manage", world.dept_a))
    assert everyone == {company, group}
    assert set(services.holders("voices.manage", world.dept_a, nearest=True)) == {company}
    assert set(services.holders("voices.manage", world.dept_b, nearest=True)) == {group}
    group.is_active = False
    group.save()
    assert not services.holders("voices.manage", world.dept_b).exists()


def test_the_bell_shows_the_unread_count_and_opening_marks_read(world, login):
    services.notify([world.owner], kind="t", title="请办理 HS1", url="/voices/")
    services.notify([world.reader], kind="t", title="别人的消息")
    client = login(world.owner)
    home = client.get("/").content.decode()
    assert 'id="bell-count">1<' in home
    notice = Notice.objects.get(user=world.owner)
    other = Notice.objects.get(user=world.reader)
    assert client.post(f"/notices/{other.pk}/").status_code == 404  # not theirs
    opened = client.post(f"/notices/{notice.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/voices/"
    assert 'id="bell-count"' not in client.get("/").content.decode()
    assert client.get(f"/notices/{notice.pk}/").status_code == 405  # GET cannot mark it read


def test_an_outside_link_is_never_followed(world, login):
    services.notify([world.owner], kind="t", title="x", url="https://evil.example/")
    client = login(world.owner)
    notice = Notice.objects.get()
    assert client.post(f"/notices/{notice.pk}/")["Location"] == "/notices/"


def test_read_all(world, login):
    services.notify([world.owner], kind="t", title="一")
    services.notify([world.owner], kind="t", title="二")
    client = login(world.owner)
    assert "二" in client.get("/notices/").content.decode()
    client.post("/notices/read-all/")
    assert services.unread_count(world.owner) == 0


def test_email_goes_out_after_commit_when_smtp_is_configured(
    world, settings, django_capture_on_commit_callbacks
):
    world.owner.email = "owner@example.cn"
    world.owner.save()
    settings.DANGQUN_BASE_URL = "https://dq.example.cn"
    settings.DANGQUN_EMAIL_NOTICES = False
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([world.owner, world.reader], kind="t", title="无邮件", url="/voices/1/")
    assert mail.outbox == []
    settings.DANGQUN_EMAIL_NOTICES = True
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([world.owner, world.reader], kind="t", title="HS1 待响应", url="/voices/1/")
    assert len(mail.outbox) == 1  # the reader has no address
    message = mail.outbox[0]
    assert message.to == ["owner@example.cn"] and "HS1 待响应" in message.subject
    assert "https://dq.example.cn/voices/1/" in message.body
    assert Notice.objects.filter(emailed_at__isnull=False).count() == 1
