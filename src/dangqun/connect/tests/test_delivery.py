"""Notices go out to 企业微信 / 钉钉 after commit, once per person and event, retried; a daily digest
for those who chose it."""

import datetime
import threading

import pytest
from django.db import connection

from dangqun.connect import delivery
from dangqun.connect.models import Binding, Delivery, Preference
from dangqun.connect.tasks import push_notices
from dangqun.notices.models import Notice
from dangqun.notices.services import notify

TEXTCARD = "/cgi-bin/message/send"
WORK_NOTICE = "/topapi/message/corpconversation/asyncsend_v2"


@pytest.fixture
def bound(world, fake):
    Binding.objects.create(user=world.member, provider="wecom", external_id="zs", matched_by="t")
    Binding.objects.create(user=world.owner, provider="dingtalk", external_id="ow", matched_by="t")
    Binding.objects.create(user=world.owner, provider="wecom", external_id="ow-w", matched_by="t")
    Binding.objects.create(user=world.reader, provider="dingtalk", external_id="rd", matched_by="t")
    return world


def cards(fake):
    found = []
    for provider, payload in fake.state.sent:
        if provider == "wecom":
            found.append(
                (payload["touser"], payload["textcard"]["title"], payload["textcard"]["url"])
            )
        else:
            card = payload["msg"]["action_card"]
            found.append((payload["userid_list"], card["title"], card["single_url"]))
    return sorted(found)


def test_a_notice_goes_out_after_commit_once_per_person(
    bound, fake, django_capture_on_commit_callbacks
):
    people = [bound.member, bound.owner, bound.reader, bound.outsider]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(people, kind="life.meeting", title="支部大会 12月5日", url="/life/7/")
        assert fake.state.sent == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    url = "https://dq.example.cn/life/7/"
    # 张三 by 企业微信; the owner has both and gets one card, on 企业微信; the reader by 钉钉;
    # the outsider has no binding: the bell only.
    assert cards(fake) == [
        ("ow-w", "支部大会 12月5日", url),
        ("rd", "支部大会 12月5日", url),
        ("zs", "支部大会 12月5日", url),
    ]
    assert Delivery.objects.filter(status="sent").count() == 3
    assert Notice.objects.filter(kind="life.meeting").count() == 4


def test_running_the_task_again_sends_nothing_twice(
    bound, fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([bound.member], kind="voice.answered", title="您的反映已答复", url="/voices/1/")
    notice = Notice.objects.get(kind="voice.answered")
    moment = notice.created_at.isoformat()
    push_notices.call_local("voice.answered", moment, [bound.member.pk])
    delivery.push([notice.pk])
    assert len(fake.state.sent) == 1
    row = Delivery.objects.get()
    assert (row.key, row.status, row.attempts) == (f"notice:{notice.pk}", "sent", 1)


def test_a_reminder_with_a_key_reaches_each_person_once(
    bound, fake, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify([bound.member], kind="voice.due", title="即将超期", key="voice:1:due")
    assert len(fake.state.sent) == 1


def test_a_rate_limited_card_is_retried_later_and_sent_once(bound, fake, no_wait):
    notice = Notice.objects.create(user=bound.member, kind="k", title="请签到", url="/life/1/")
    fake.state.fail(TEXTCARD, {"errcode": 45009, "errmsg": "freq out of limit"}, times=3)
    with pytest.raises(delivery.RetryLater):
        delivery.push([notice.pk])
    row = Delivery.objects.get()
    assert row.status == "failed" and "45009" in row.last_error
    assert fake.state.sent == [] and no_wait == [1.0, 2.0]
    assert delivery.push([notice.pk]) == 1  # Huey's retry
    assert delivery.push([notice.pk]) == 0
    assert len(fake.state.sent) == 1 and Delivery.objects.get().attempts == 2


def test_a_card_refused_for_good_is_not_retried(bound, fake):
    notice = Notice.objects.create(user=bound.member, kind="k", title="t", url="/")
    fake.state.fail(TEXTCARD, {"errcode": 60111, "errmsg": "userid not found"})
    assert delivery.push([notice.pk]) == 0  # no RetryLater
    assert Delivery.objects.get().status == "failed"


def test_a_row_another_worker_is_sending_is_left_alone(bound, fake):
    notice = Notice.objects.create(user=bound.member, kind="k", title="t", url="/")
    assert delivery.claim(bound.member.pk, f"notice:{notice.pk}", "wecom") is not None
    assert delivery.push([notice.pk]) == 0 and fake.state.sent == []


def test_nothing_is_pushed_without_a_base_url(
    bound, fake, settings, django_capture_on_commit_callbacks
):
    settings.DANGQUN_BASE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        notify([bound.member], kind="k", title="t", url="/")
    assert fake.state.sent == [] and not Delivery.objects.exists()


def test_digest_people_get_one_card_a_day(bound, fake, django_capture_on_commit_callbacks):
    Preference.objects.create(user=bound.member, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(7):
            notify([bound.member], kind=f"k{n}", title=f"第{n}条消息", url="/")
    assert fake.state.sent == []  # not one by one
    Notice.objects.filter(title="第6条消息").update(read_at=datetime.datetime.now(datetime.UTC))
    today = datetime.date(2026, 12, 5)
    assert delivery.digest(today) == 1
    assert delivery.digest(today) == 0  # the day is the idempotency key
    _, payload = fake.state.sent[0]
    card = payload["textcard"]
    assert card["title"] == "今日消息汇总：6 条未读"
    assert card["url"] == "https://dq.example.cn/notices/"
    assert card["description"].count("· ") == 5 and "等共 6 条" in card["description"]
    assert "第6条消息" not in card["description"]
    assert delivery.digest(today + datetime.timedelta(days=1)) == 1


def test_no_digest_when_nothing_is_unread(bound, fake):
    Preference.objects.create(user=bound.member, daily_digest=True)
    assert delivery.digest() == 0 and fake.state.sent == []


def test_email_still_goes_out_beside_the_cards(
    bound, fake, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DANGQUN_EMAIL_NOTICES = True
    bound.member.email = "zs@example.cn"
    bound.member.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([bound.member], kind="k", title="请评价", url="/voices/2/")
    assert len(mailoutbox) == 1 and len(fake.state.sent) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_claim_one_delivery_once(make_user):
    user = make_user("racer")
    results, barrier = [], threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            results.append(delivery.claim(user.pk, "notice:1", "wecom") is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert Delivery.objects.get().attempts == 1
