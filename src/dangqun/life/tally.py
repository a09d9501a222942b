"""Monthly tallies of held meetings (``MeetingTally``), so that a 党委's radar reads one row per
branch, kind and month instead of every meeting of a year (decisions/0013).

A row is recounted from the meetings whenever one of them is held, moved or finalised
(``refresh``, called by the services in the same transaction): the row is created or locked
first, so two secretaries finalising meetings of the same month wait for each other and the
second recount sees the first's meeting. ``rebuild`` recomputes months from the meetings under a
table lock, for data written around the services (bulk seeding) and nightly as a check;
``dangqun rebuild_meeting_tallies`` runs it by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
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
    """Recount these rows from the meetings (``None`` keys are skipped). A row whose meetings
    all moved away keeps zeros until ``rebuild`` clears it."""
    for org_id, kind, month in sorted({k for k in keys if k is not None}):
        # Creates the row or locks it (one statement, no gap for a concurrent delete); the
        # recount below then sees the meetings of whoever held the lock before.
        MeetingTally.objects.bulk_create(
            [MeetingTally(org_id=org_id, kind=kind, month=month)],
            update_conflicts=True,
            unique_fields=["org", "kind", "month"],
            update_fields=["held"],
        )
        meetings = Meeting.objects.filter(org_id=org_id, kind=kind).filter(
            starts_at__gte=_moment(month), starts_at__lt=_moment(_next(month))
        )
        held, expected, present = _counts(meetings).get((org_id, kind, month), (0, 0, 0))
        MeetingTally.objects.filter(org_id=org_id, kind=kind, month=month).update(
            held=held, expected=expected, present=present
        )


def rebuild(months: Iterable[dt.date] | None = None) -> list[dt.date]:
    """Recompute the given months (every month with meetings or rows when ``None``) from the
    meetings and return the months whose rows were wrong. Each month is counted under a lock
    that holds off ``refresh``, so a meeting held meanwhile is counted once."""
    if months is None:
        starts = Meeting.objects.filter(status__in=HELD).annotate(
            m=TruncMonth("starts_at", output_field=DateField())
        )
        months = set(starts.values_list("m", flat=True).distinct().order_by()) | set(
            MeetingTally.objects.values_list("month", flat=True).distinct().order_by()
        )
    months = sorted({m.replace(day=1) for m in months})
    return [month for month in months if _rebuild_month(month)]


def _rebuild_month(month: dt.date) -> bool:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(MeetingTally._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        wanted = _counts(
            Meeting.objects.filter(
                starts_at__gte=_moment(month), starts_at__lt=_moment(_next(month))
            )
        )
        rows = MeetingTally.objects.filter(month=month)
        stored = {}
        for org_id, kind, *counts in rows.values_list(
            "org_id", "kind", "held", "expected", "present"
        ):
            if any(counts):  # a row emptied by moved meetings counts nothing
                stored[org_id, kind, month] = tuple(counts)
        if stored == wanted:
            return False
        rows.delete()
        MeetingTally.objects.bulk_create(
            (
                MeetingTally(org_id=o, kind=k, month=m, held=h, expected=e, present=p)
                for (o, k, m), (h, e, p) in wanted.items()
            ),
            batch_size=5000,
        )
    return True


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
