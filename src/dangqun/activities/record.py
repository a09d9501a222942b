"""A person's volunteer record as 民政部《志愿服务记录与证明出具办法（试行）》(2021) asks it to be kept:
every activity served with its confirmed hours and the corrections to them (with their reasons),
the total and the star level, the teams served in; trainings, awards and evaluations (第六条 also
lists them) are not recorded by the platform yet, so they are empty lists until they are.

The same lines make a certificate (``certificates``): ``lines`` narrows them to a period, to the
activities a set of organisations runs (主办 or 联办 under them) and to the rows entered up to a
moment, so a certificate's PDF can be rendered again exactly as issued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from dangqun.activities import hours
from dangqun.activities.models import Activity, HoursEntry, TeamMember
from dangqun.orgs.models import Org

ZERO = Decimal("0")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Correction:
    hours: Decimal  # the difference this row made (plus or minus)
    reason: str
    entered_at: dt.datetime


@dataclass(frozen=True)
class Line:
    """One activity served: what was first confirmed, the corrections since, the hours now."""

    activity: Activity
    served_on: dt.date
    confirmed: Decimal
    corrections: tuple[Correction, ...]
    hours: Decimal


@dataclass(frozen=True)
class Team:
    name: str
    org_name: str
    joined_on: dt.date
    left_on: dt.date | None


@dataclass
class Record:
    person: object
    lines: list[Line]
    total: Decimal
    stars: int
    to_next_star: Decimal | None
    teams: list[Team]
    # Not kept by the platform yet (the 2021 办法 第六条 lists them): empty until they are.
    trainings: list = field(default_factory=list)
    awards: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)


def kept_under(orgs) -> Q:
    """Hours rows of activities that an organisation under one of ``orgs`` runs or co-runs: the
    same reach as ``services.kept_by`` (what an organiser may open, they may certify and
    export; an enterprise unit's party, union and league organisations keep their own)."""
    paths = [org.path for org in orgs]
    if not paths:
        return Q(pk__in=[])
    mains = Q()
    joint = Q()
    for path in paths:
        mains |= Q(activity__org__path__startswith=path)
        joint |= Q(org__path__startswith=path)
    co_run = Activity.co_organisers.through.objects.filter(
        activity_id=OuterRef("activity_id")
    ).filter(joint)
    return mains | Q(Exists(co_run))


def entries(
    person_ids,
    start: dt.date | None = None,
    end: dt.date | None = None,
    orgs: list[Org] | None = None,
    as_of: dt.datetime | None = None,
) -> QuerySet:
    """Confirmed hours rows of some people (None: anyone): served in ``start``…``end``, of activities run under
    ``orgs`` (None: any), entered no later than ``as_of`` (None: now)."""
    rows = HoursEntry.objects.all()
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    if start is not None:
        rows = rows.filter(served_on__gte=start)
    if end is not None:
        rows = rows.filter(served_on__lte=end)
    if orgs is not None:
        rows = rows.filter(kept_under(orgs))
    if as_of is not None:
        rows = rows.filter(entered_at__lte=as_of)
    return rows


def lines(
    person_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    orgs: list[Org] | None = None,
    as_of: dt.datetime | None = None,
) -> list[Line]:
    """The person's activities with hours (now above zero), by date; one query."""
    rows = (
        entries([person_id], start, end, orgs, as_of)
        .select_related("activity__org", "activity__kind")
        .order_by("served_on", "activity_id", "entered_at", "id")
    )
    grouped: dict[int, list[HoursEntry]] = {}
    for row in rows:
        grouped.setdefault(row.activity_id, []).append(row)
    out = []
    for group in grouped.values():
        first, rest = group[0], group[1:]
        total = sum((row.hours for row in group), ZERO)
        if total <= 0:
            continue
        out.append(
            Line(
                activity=first.activity,
                served_on=first.served_on,
                confirmed=first.hours,
                corrections=tuple(Correction(r.hours, r.reason, r.entered_at) for r in rest),
                hours=total,
            )
        )
    return out


def total(found: list[Line]) -> Decimal:
    return sum((line.hours for line in found), ZERO).quantize(TENTH)


def teams_of(person_id: int) -> list[Team]:
    members = (
        TeamMember.objects.filter(person_id=person_id)
        .select_related("team__org")
        .order_by("joined_on", "id")
    )
    return [Team(m.team.name, m.team.org.name, m.joined_on, m.left_on) for m in members]


def record_of(person) -> Record:
    """The person's whole record (the person themself, or an organiser over them, reads it)."""
    found = lines(person.pk)
    cumulative = Decimal(hours.total_of(person.pk)).quantize(TENTH)  # SQLite drops the scale
    return Record(
        person=person,
        lines=found,
        total=cumulative,
        stars=hours.stars_for(cumulative),
        to_next_star=hours.to_next_star(cumulative),
        teams=teams_of(person.pk),
    )
