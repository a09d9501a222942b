"""Monthly tallies of held meetings (``MeetingTally``), so that a 党委's radar reads one row per
branch, kind and month instead of every meeting of a year (decisions/0013).

A row is recounted from the meetings whenever one of them is held, moved or finalised
(``refresh``, called by the services in the same transaction): the row is locked first, so two
secretaries finalising meetings of the same month wait for each other and the second recount sees
the first's meeting. ``rebuild`` recomputes months from the meetings, for data written around
the services (bulk seeding) and nightly as a check; ``dangqun rebuild_meeting_tallies`` runs it
by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dangqun.life.models import Meeting, MeetingTally, Status

HELD = (Status.HELD, Status.FINALISED)
Key = tuple[int, str, dt.date]  # organisation, kind, month


def key(meeting: Meeting) -> Key | None:
    """The row a meeting counts in, or ``None`` if it was not held."""
    if meeting.status not in HELD:
        return None
    month = timezone.localtime(meeting.starts_at).date().replace(day=1)
    return meeting.org_id, meeting.kind, month


def refresh(keys: Iterable[Key | None]) -> None:
    """Recount these rows from the meetings (``None`` keys are skipped)."""
    for org_id, kind, month in sorted({k for k in keys if k is not None}):
        with transaction.atomic():
            MeetingTally.objects.get_or_create(org_id=org_id, kind=kind, month=month)
            row = MeetingTally.objects.select_for_update().get(
                org_id=org_id, kind=kind, month=month
            )
            counts = _counts(
                Meeting.objects.filter(org_id=org_id, kind=kind).filter(
                    starts_at__gte=_moment(month), starts_at__lt=_moment(_next(month))
                )
            ).get((org_id, kind, month))
            if counts is None:
                row.delete()
                continue
            row.held, row.expected, row.present = counts
            row.save(update_fields=["held", "expected", "present"])


def rebuild(months: Iterable[dt.date] | None = None) -> list[dt.date]:
    """Recompute the given months (every month when ``None``) from the meetings and return the
    months whose rows were wrong."""
    meetings, rows = Meeting.objects.all(), MeetingTally.objects.all()
    if months is not None:
        months = sorted({m.replace(day=1) for m in months})
        if not months:
            return []
        meetings = meetings.filter(starts_at__gte=_moment(months[0]))
        meetings = meetings.filter(starts_at__lt=_moment(_next(months[-1])))
        rows = rows.filter(month__in=months)
    wanted = _counts(meetings)
    if months is not None:
        wanted = {k: v for k, v in wanted.items() if k[2] in months}
    stored = {
        (r.org_id, r.kind, r.month): (r.held, r.expected, r.present)
        for r in rows.only("org_id", "kind", "month", "held", "expected", "present")
    }
    wrong = {k for k in wanted.keys() | stored.keys() if wanted.get(k) != stored.get(k)}
    if not wrong:
        return []
    with transaction.atomic():
        gone = [k for k in wrong if k not in wanted]
        for org_id, kind, month in gone:
            rows.filter(org_id=org_id, kind=kind, month=month).delete()
        MeetingTally.objects.bulk_create(
            [
                MeetingTally(org_id=k[0], kind=k[1], month=k[2], held=h, expected=e, present=p)
                for k, (h, e, p) in wanted.items()
                if k in wrong
            ],
            update_conflicts=True,
            unique_fields=["org", "kind", "month"],
            update_fields=["held", "expected", "present"],
            batch_size=5000,
        )
    return sorted({k[2] for k in wrong})


def _counts(meetings) -> dict[Key, tuple[int, int, int]]:
    rows = (
        meetings.filter(status__in=HELD)
        .annotate(m=TruncMonth("starts_at", output_field=DateField()))
        .values_list("org_id", "kind", "m")
        .annotate(n=Count("pk"), expected=Sum("expected_count"), present=Sum("present_count"))
        .order_by()
    )
    return {(o, k, m): (n, e or 0, p or 0) for o, k, m, n, e, p in rows}


def _next(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
