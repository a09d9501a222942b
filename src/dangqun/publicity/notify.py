"""Who hears about an item (issue #18 §1, §4): the bell once when a 必读 item comes out (at
publishing, or when its publish time arrives: ``announce_due``, every few minutes); a branch's
keeper reminding those who have not confirmed (at most once a day per person and item: the
notice's key holds the day); and e-mail as **one digest a day** per person listing every new
publicity notice (``send_digests``) — never one message per item (``notify(email=False)``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.notices.models import Notice
from dangqun.notices.services import notify
from dangqun.people import audience
from dangqun.publicity.models import Item, ItemStatus, Receipt

KIND = "publicity.required"
REMIND_KIND = "publicity.remind"
CHUNK = 5000
DIGEST_DAYS = 2  # a digest covers notices of the last two days not e-mailed yet


def url_of(item: Item) -> str:
    return reverse("publicity:read", args=[item.pk])


def _tell(person_ids, *, kind: str, title: str, url: str, key: str) -> int:
    ids = list(
        User.objects.filter(person__in=person_ids, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(
        notify(ids[i : i + CHUNK], kind=kind, title=title, url=url, key=key, email=False)
        for i in range(0, len(ids), CHUNK)
    )


def announce(item: Item) -> int:
    """A 必读 item that is out: its audience is told once (an item not 必读 tells nobody)."""
    if not item.required or item.status != ItemStatus.PUBLISHED:
        return 0
    told = _tell(
        audience.people(item).values("pk"),
        kind=KIND,
        title=f"必读：{item.title}",
        url=url_of(item),
        key=f"publicity.{item.pk}.required",
    )
    Item.objects.filter(pk=item.pk, announced_at__isnull=True).update(announced_at=timezone.now())
    return told


def announce_after_commit(item: Item) -> None:
    """Tell the audience of a 必读 item once the publishing has committed (a Huey task)."""
    if not item.required:
        return
    # import here: tasks imports items, which imports this module
    from dangqun.publicity.tasks import announce_item

    transaction.on_commit(lambda: announce_item(item.pk))


def announce_due() -> int:
    """Scheduled 必读 items whose time has come: announced once (the conditional UPDATE claims
    each item, the notice key keeps a second run from telling anyone twice)."""
    told = 0
    due = Item.objects.filter(
        status=ItemStatus.PUBLISHED,
        required=True,
        announced_at__isnull=True,
        publish_at__lte=timezone.now(),
    )
    for item in due.order_by("pk"):
        with transaction.atomic():
            told += announce(item)
    return told


def not_confirmed(item: Item, people) -> object:
    """The people (a queryset) of the item's audience who have not confirmed it."""
    done = Receipt.objects.filter(item=item, person=OuterRef("pk"), confirmed_at__isnull=False)
    return people.filter(~Exists(done))


def remind(item: Item, person_ids: list[int]) -> int:
    """A reminder in the bell to each person, at most once a day per person and item."""
    day = timezone.localdate()
    return _tell(
        person_ids,
        kind=REMIND_KIND,
        title=f"请阅读：{item.title}",
        url=url_of(item),
        key=f"publicity.{item.pk}.remind.{day:%Y%m%d}",
    )


def send_digests() -> int:
    """Once a day: each person gets one e-mail listing their publicity notices not yet e-mailed
    (of the last ``DIGEST_DAYS`` days); returns how many e-mails went out."""
    if not settings.DANGQUN_EMAIL_NOTICES:
        return 0
    since = timezone.now() - dt.timedelta(days=DIGEST_DAYS)
    rows = (
        Notice.objects.filter(
            kind__startswith="publicity.", emailed_at__isnull=True, created_at__gte=since
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "created_at")
    )
    by_user = defaultdict(list)
    for notice in rows:
        by_user[notice.user].append(notice)
    base = settings.DANGQUN_BASE_URL.rstrip("/")
    sent = 0
    for user, notices in by_user.items():
        lines = [f"· {n.title}" + (f"\n  {base}{n.url}" if base and n.url else "") for n in notices]
        send_mail(
            f"【党群工作平台】政策宣传：{len(notices)} 条待阅读",
            "您有以下宣传内容待阅读：\n\n"
            + "\n".join(lines)
            + "\n\n（本邮件每天最多一封，由系统发送，请登录平台阅读。）",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
        sent += 1
    return sent
