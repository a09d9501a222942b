"""The staff inbox: who may open it, which voices each tab shows and which are overdue, for the
inbox page and ``GET /api/voices/inbox/`` alike."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from dangqun.core.rules import get_rule
from dangqun.voices import services
from dangqun.voices.models import OPEN_STATUSES, Status

DEFAULT_TAB = "open"
MAX_WORDS = 5  # words of a search, each of which a voice must hold
# tab: (label, filter)
TABS = {
    "open": ("办理中（全部）", {"status__in": OPEN_STATUSES}),
    "submitted": ("待受理", {"status": Status.SUBMITTED}),
    "assigned": ("待响应", {"status": Status.ASSIGNED}),
    "in_progress": ("办理中", {"status": Status.IN_PROGRESS}),
    "answered": ("待评价", {"status": Status.ANSWERED}),
    "closed": ("已办结", {"status__in": (Status.CLOSED, Status.RETURNED, Status.MERGED)}),
    # imported history (decision 0020) is in no other tab: nothing to do about it
    "all": ("全部", {"status__in": [s for s in Status.values if s != Status.HISTORY]}),
    "history": ("历史记录", {"status": Status.HISTORY}),
}
# 我的反映's filters: key → (label, filter); the 工作台 links to each.
MINE = {
    "": ("全部", {}),
    "answered": ("待我评价", {"status": Status.ANSWERED}),
    "open": ("办理中", {"status__in": (Status.SECONDING, *OPEN_STATUSES)}),
    "closed": ("已办结", {"status__in": (Status.CLOSED, Status.RETURNED, Status.MERGED)}),
}


def inbox(
    user,
    tab: str = DEFAULT_TAB,
    *,
    overdue: bool = False,
    soon: bool = False,
    words: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet:
    """The voices of ``tab`` raised in or handled by the user's sub-trees (their own are under
    我的反映), only the overdue ones with ``overdue``, only those due soon with ``soon``, only
    those holding every one of ``words`` (a hot topic's link) and submitted from ``since`` to
    ``until`` (local dates, included); newest first."""
    services.require_inbox(user)
    voices = services.in_scope(user).filter(**TABS[tab][1])
    for word in words.split()[:MAX_WORDS]:
        voices = voices.filter(Q(title__contains=word) | Q(content__contains=word))
    if since:
        voices = voices.filter(submitted_at__gte=_local_midnight(since))
    if until:
        voices = voices.filter(submitted_at__lt=_local_midnight(until + dt.timedelta(days=1)))
    if overdue:
        voices = overdue_only(voices)
    if soon:
        voices = due_soon_only(voices)
    return voices.order_by("-submitted_at", "-id")


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day))


def read_day(raw: str | None) -> dt.date | None:
    """A date of a list's query (2025-03-15), or None when missing or unreadable."""
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def overdue_only(voices: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """Open voices past their resolution deadline and voices waiting for a response past its
    deadline (as ``Voice.overdue()`` says 办理超时 / 响应超时)."""
    now = now or timezone.now()
    return voices.filter(status__in=OPEN_STATUSES, resolution_due__lt=now) | voices.filter(
        status=Status.ASSIGNED, response_due__lt=now
    )


def due_soon_only(voices: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """Open voices whose deadline comes within the warning time of the rule ``voices.reminders``
    (response: ``response_hours`` before; resolution: ``resolution_hours`` before), not yet passed."""
    now = now or timezone.now()
    rule = get_rule("voices.reminders")
    response_by = now + dt.timedelta(hours=rule["response_hours"])
    resolution_by = now + dt.timedelta(hours=rule["resolution_hours"])
    return voices.filter(
        status__in=OPEN_STATUSES, resolution_due__gte=now, resolution_due__lte=resolution_by
    ) | voices.filter(status=Status.ASSIGNED, response_due__gte=now, response_due__lte=response_by)
