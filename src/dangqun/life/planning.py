"""Planning 组织生活: who an organisation's meeting expects, the year planned from the cadence
rules, and a meeting scheduled by hand."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.core import audit
from dangqun.life import cadence, recording, services
from dangqun.life.models import (
    Attendee,
    Kind,
    Meeting,
    Role,
    Status,
)
from dangqun.orgs.models import Org, System
from dangqun.people.models import Person, PoliticalStatus

DEFAULT_HOUR = dt.time(14, 30)  # when a planned meeting starts until the secretary moves it
DEFAULT_LENGTH = dt.timedelta(hours=2)


def expected_people(org: Org) -> list[tuple[Person, str]]:
    """The people an organisation's meeting expects, with their role: for a party organisation,
    the current members and probationary members whose branch lies in it; for a union or league
    organisation, its members."""
    subtree = Org.objects.filter(path__startswith=org.path).values("pk")
    if org.system == System.PARTY:
        people = Person.objects.filter(is_current_member=True, party_branch__in=subtree)
    elif org.system == System.UNION:
        people = Person.objects.filter(union_org__in=subtree)
    elif org.system == System.LEAGUE:
        people = Person.objects.filter(league_org__in=subtree)
    else:
        people = Person.objects.none()
    people = people.order_by("employee_no", "pk")
    return [
        (
            p,
            Role.PROBATIONARY
            if p.political_status == PoliticalStatus.PROBATIONARY
            else Role.MEMBER,
        )
        for p in people
    ]


def plan_year(actor, org: Org, year: int) -> list[Meeting]:
    """Plan the meetings the cadence rules expect of ``org`` in ``year``. A period that already
    has a meeting of that kind (planned, held or finalised) gets none, so planning twice, or
    after some meetings were entered by hand, adds only what is missing."""
    services.require_manage(actor, org)
    has_committee = org.terms.filter(closed_on__isnull=True, has_committee=True).exists()
    kinds = cadence.due_kinds(org.kind, has_committee)
    if not kinds:
        raise ValidationError({"org": f"{org.get_kind_display()}没有按规定周期召开的组织生活"})
    first, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    existing = {
        (kind, day)
        for kind, day in org.meetings.exclude(status=Status.CANCELLED)
        .filter(starts_at__date__gte=first, starts_at__date__lt=end)
        .values_list("kind", "starts_at")
    }
    tz = timezone.get_current_timezone()
    created = []
    with transaction.atomic():
        for kind in kinds:
            rule = cadence.cadence(kind)
            held = [timezone.localtime(at, tz).date() for k, at in existing if k == kind]
            for period in cadence.periods(first, end, rule.per):
                missing = rule.times - sum(day in period for day in held)
                for day in cadence.slots(rule, period)[rule.times - missing :]:
                    starts = dt.datetime.combine(day, DEFAULT_HOUR, tzinfo=tz)
                    created.append(
                        new_meeting(org, kind, f"{period.label}{rule.label}", starts, planned=True)
                    )
        audit.record(
            actor,
            "life.plan",
            org,
            after={"year": year, "meetings": len(created)},
            object_repr=f"{org.name} {year} 年组织生活计划（新增 {len(created)} 次）",
        )
    return created


def new_meeting(org: Org, kind: str, topic: str, starts: dt.datetime, **extra) -> Meeting:
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        topic=topic,
        starts_at=starts,
        ends_at=starts + DEFAULT_LENGTH,
        checkin_secret=secrets.token_hex(16),
        **extra,
    )
    Attendee.objects.bulk_create(
        Attendee(meeting=meeting, person=person, role=role) for person, role in expected_people(org)
    )
    return meeting


def schedule(actor, org: Org, data: dict) -> Meeting:
    """A meeting entered by hand (not from the plan)."""
    services.require_manage(actor, org)
    kind = data.get("kind")
    errors = recording.check(data)
    if kind not in Kind.values:
        errors["kind"] = "请选择组织生活类型"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = new_meeting(org, kind, data["topic"].strip(), data["starts_at"])
        for name in recording.EDITABLE:
            if name in data and name not in ("topic", "starts_at"):
                setattr(meeting, name, data[name])
        meeting.save()
        audit.record(actor, "life.schedule", meeting, after=recording.summary(meeting))
    return meeting
