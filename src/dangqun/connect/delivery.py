"""Notices out to 企业微信 应用消息 / 钉钉 工作通知, besides the bell and e-mail.

``notices.services.notify`` calls ``after_notify`` after its transaction commits; that enqueues
the Huey task ``connect.tasks.push_notices``. Each (person, event) has one ``Delivery`` row whose
unique key is the idempotency key: a task run claims a row by a conditional update before it
sends, so a retried, repeated or concurrent run never sends the same card twice. A person reached
on both channels gets it on the first one of ``config.MESSAGE_CHANNELS``. A person who chose the
daily digest gets one card a day with the day's unread notices instead.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from dangqun.connect import config
from dangqun.connect.client import ApiError, RateLimited, Transient
from dangqun.connect.dingtalk import DingTalkClient
from dangqun.connect.models import Binding, Delivery, Preference
from dangqun.connect.wecom import WeComClient
from dangqun.notices.models import Notice

# A row left "sending" by a worker that died is claimed again after this long.
STALE_CLAIM = datetime.timedelta(minutes=10)
DIGEST_LINES = 5


class RetryLater(Exception):
    """Some messages could not go out for now (limits, a busy server); Huey runs the task again
    and the rows already sent are skipped."""


def after_notify(kind: str, created_at, user_ids: list[int]) -> None:
    if not config.message_providers():
        return
    # import here: connect.tasks imports this module
    from dangqun.connect.tasks import push_notices

    push_notices(kind, created_at.isoformat(), list(user_ids))


def clients() -> dict:
    found = {}
    for provider in config.message_providers():
        if provider == config.WECOM:
            found[provider] = WeComClient(config.wecom())
        elif provider == config.DINGTALK:
            found[provider] = DingTalkClient(config.dingtalk())
    return found


def channels(user_ids: Iterable[int], providers: Iterable[str]) -> dict[int, tuple[str, str]]:
    """Each user's channel: (provider, their id there), by the order of MESSAGE_CHANNELS."""
    order = [p for p in config.MESSAGE_CHANNELS if p in set(providers)]
    found: dict[int, tuple[str, str]] = {}
    rows = Binding.objects.filter(user_id__in=list(user_ids), provider__in=order)
    for row in sorted(rows, key=lambda b: order.index(b.provider)):
        found.setdefault(row.user_id, (row.provider, row.external_id))
    return found


def link(url: str) -> str:
    base = settings.DANGQUN_BASE_URL.rstrip("/")
    return f"{base}{url or '/notices/'}"


def claim(user_id: int, key: str, provider: str) -> Delivery | None:
    """The delivery row, if this run may send it now (nobody sent it or is sending it)."""
    row, _ = Delivery.objects.get_or_create(
        user_id=user_id, key=key, defaults={"provider": provider}
    )
    now = timezone.now()
    free = Q(status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED]) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    taken = (
        Delivery.objects.filter(free, pk=row.pk)
        .exclude(status=Delivery.Status.SENT)
        .update(
            status=Delivery.Status.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=now,
            provider=provider,
        )
    )
    return row if taken else None


def send_one(client, row: Delivery, external_id: str, *, title, description, url) -> str:
    """Send one claimed delivery: "sent", "retry" (to be tried again later) or "failed"."""
    try:
        client.send_card(external_id, title=title, description=description, url=url)
    except (RateLimited, Transient) as exc:
        Delivery.objects.filter(pk=row.pk).update(
            status=Delivery.Status.FAILED, last_error=str(exc)[:300]
        )
        return "retry"
    except ApiError as exc:  # refused for good (an unknown member, say): not retried
        Delivery.objects.filter(pk=row.pk).update(
            status=Delivery.Status.FAILED, last_error=str(exc)[:300]
        )
        return "failed"
    Delivery.objects.filter(pk=row.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def push(notice_ids: Iterable[int]) -> int:
    """Send each notice to its person's channel once; returns how many cards went out."""
    found = clients()
    if not found:
        return 0
    notices = list(Notice.objects.filter(pk__in=list(notice_ids)).order_by("pk"))
    user_ids = {n.user_id for n in notices}
    digest = set(
        Preference.objects.filter(user_id__in=user_ids, daily_digest=True).values_list(
            "user_id", flat=True
        )
    )
    reach = channels(user_ids - digest, found)
    sent, retry = 0, False
    for notice in notices:
        if notice.user_id not in reach:
            continue
        provider, external_id = reach[notice.user_id]
        row = claim(notice.user_id, f"notice:{notice.pk}", provider)
        if row is None:
            continue
        outcome = send_one(
            found[provider],
            row,
            external_id,
            title=notice.title,
            description=f"{timezone.localtime(notice.created_at):%m-%d %H:%M}\n{notice.title}",
            url=link(notice.url),
        )
        retry = retry or outcome == "retry"
        sent += outcome == "sent"
    if retry:
        raise RetryLater(f"{sent} sent; some are to be tried again")
    return sent


def digest(today: datetime.date | None = None) -> int:
    """One card a day to each person who chose the digest, listing their unread notices of the
    last day; the day is the idempotency key."""
    found = clients()
    if not found:
        return 0
    today = today or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=1)
    users = Preference.objects.filter(daily_digest=True).values_list("user_id", flat=True)
    reach = channels(users, found)
    sent, retry = 0, False
    for user_id, (provider, external_id) in sorted(reach.items()):
        unread = list(
            Notice.objects.filter(user_id=user_id, read_at__isnull=True, created_at__gte=since)
            .order_by("-created_at")
            .values_list("title", flat=True)
        )
        if not unread:
            continue
        row = claim(user_id, f"digest:{today.isoformat()}", provider)
        if row is None:
            continue
        lines = "\n".join(f"· {title}" for title in unread[:DIGEST_LINES])
        more = f"\n等共 {len(unread)} 条" if len(unread) > DIGEST_LINES else ""
        outcome = send_one(
            found[provider],
            row,
            external_id,
            title=f"今日消息汇总：{len(unread)} 条未读",
            description=f"{lines}{more}",
            url=link("/notices/"),
        )
        retry = retry or outcome == "retry"
        sent += outcome == "sent"
    if retry:
        raise RetryLater(f"{sent} digests sent; some are to be tried again")
    return sent
