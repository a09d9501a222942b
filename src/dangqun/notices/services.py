"""Who is told what: in-app notices, and the same by e-mail when SMTP is configured.

Notices are written inside the caller's transaction (a rolled-back act tells nobody); the e-mail
goes out after commit, from a Huey task, so a slow mail server never slows a page. An e-mail says
only what the bell says, and the bell says only a number and a short state: the matter itself
stays behind the login.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangqun.accounts.models import RoleGrant, User
from dangqun.accounts.roles import roles_with
from dangqun.notices.models import Notice
from dangqun.orgs.models import Org

PAGE = 50
# Other channels (企业微信, 钉钉: the connect app) register here; each is called after commit with
# the kind, moment and recipients of one notify call, as the e-mail task is.
after_notify: list[Callable] = []


def notify(
    users: Iterable, *, kind: str, title: str, url: str = "", key: str = "", email: bool = True
) -> int:
    """Tell each (active) user once; with a ``key``, a user already told is not told again.
    ``email=False``: no e-mail per call (the caller sends a daily digest, as 政策宣传 does)."""
    ids = {getattr(u, "pk", u) for u in users if u is not None}
    ids = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    if not ids:
        return 0
    if key:
        ids -= set(
            Notice.objects.filter(user_id__in=ids, key=key).values_list("user_id", flat=True)
        )
    now = timezone.now()
    rows = [
        Notice(user_id=pk, kind=kind, title=title[:200], url=url, key=key, created_at=now)
        for pk in ids
    ]
    Notice.objects.bulk_create(rows, ignore_conflicts=bool(key))
    if settings.DANGQUN_EMAIL_NOTICES and email:
        transaction.on_commit(lambda: _send_later(kind, now, sorted(ids)))
    for hook in after_notify:
        transaction.on_commit(partial(hook, kind, now, sorted(ids)))
    return len(rows)


def holders(capability: str, org: Org, *, nearest: bool = False) -> QuerySet:
    """Users whose grant covers ``org`` with ``capability``; ``nearest``: only those granted on
    the closest level that has any (the unit's own admins, else its supervisor's)."""
    paths = [*org.ancestor_paths(), org.path]
    grants = RoleGrant.objects.filter(role__in=roles_with(capability), org__path__in=paths)
    if nearest:
        deepest = grants.order_by("-org__depth").values_list("org__depth", flat=True).first()
        grants = grants.filter(org__depth=deepest)
    return User.objects.filter(pk__in=grants.values("user_id"), is_active=True)


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def unread_count_of_page(user) -> int:
    """The unread count a page shows, counted once per request: the bell and the 工作台's 消息
    card share it (kept on the user object, which lives for one request)."""
    if not hasattr(user, "_unread_notices"):
        user._unread_notices = unread_count(user)
    return user._unread_notices


def recent(user) -> QuerySet:
    return Notice.objects.filter(user=user)[:PAGE]


def open_notice(user, pk: int) -> Notice:
    """Mark one notice read (it must be the user's) and return it, to follow its link."""
    notice = Notice.objects.get(pk=pk, user=user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def mark_all_read(user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# E-mail -----------------------------------------------------------------------------------
def _send_later(kind: str, created_at, user_ids: list[int]) -> None:
    # import here: notices.tasks imports this module (send_emails)
    from dangqun.notices.tasks import send_notice_emails

    send_notice_emails(kind, created_at.isoformat(), user_ids)


def send_emails(notice_ids: Iterable[int]) -> int:
    """Send each notice not yet e-mailed to its user's address; returns how many went out."""
    sent = 0
    base = settings.DANGQUN_BASE_URL.rstrip("/")
    notices = Notice.objects.filter(pk__in=list(notice_ids), emailed_at__isnull=True)
    for notice in notices.select_related("user"):
        address = notice.user.email
        if not address:
            continue
        link = f"\n\n查看：{base}{notice.url}" if base and notice.url else ""
        send_mail(
            f"【党群工作平台】{notice.title}",
            f"{notice.title}{link}\n\n（本邮件由系统发送，请登录平台办理。）",
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
