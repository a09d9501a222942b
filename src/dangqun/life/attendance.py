"""Attendance: the secretary's marks, a member's leave, the counts of a meeting, each member's
standing (last present, absences in a row) and the 学时 earned from the record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from dangqun.core import audit
from dangqun.life import services
from dangqun.life.models import (
    Attendee,
    Meeting,
    Presence,
    Role,
    Standing,
    Status,
)
from dangqun.people.models import Person


def mark(actor, meeting: Meeting, person: Person, presence: str, reason: str = "") -> Attendee:
    """The secretary records who came, who asked for leave (with the reason) and who did not;
    a person not on the list comes as 列席."""
    services.require_manage(actor, meeting.org)
    if presence not in (Presence.PRESENT, Presence.LEAVE, Presence.ABSENT):
        raise ValidationError({"presence": "请选择出席、请假或缺席"})
    reason = (reason or "").strip()
    if presence == Presence.LEAVE and not reason:
        raise ValidationError({"leave_reason": "请假须填写事由"})
    with transaction.atomic():
        meeting = services.locked(meeting)
        services.require_open(meeting)
        attendee = attendee_of(meeting, person)
        attendee.presence, attendee.marked_by = presence, actor
        attendee.leave_reason = reason if presence == Presence.LEAVE else ""
        if presence == Presence.PRESENT and attendee.checked_in_at is None:
            attendee.checked_in_at = timezone.now()
        attendee.save()
        audit.record(
            actor,
            "life.mark",
            meeting,
            after={"person": person.pk, "presence": presence, "reason": attendee.leave_reason},
        )
    return attendee


def mark_on_list(
    actor, meeting: Meeting, person_id: int, presence: str, reason: str = ""
) -> Attendee:
    """The secretary's mark from the meeting's page or the API: only for a person on the
    meeting's list (a guest comes by checking in)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not meeting.attendees.filter(person=person).exists():
        raise ValidationError({"person": "该人员不在本次组织生活的名单中"})
    return mark(actor, meeting, person, presence, reason)


def attendance_counts(attendees) -> dict:
    """Expected (members), present, on leave, and guests who came, from the attendee rows."""
    expected = [a for a in attendees if a.role != Role.GUEST]
    return {
        "expected": len(expected),
        "present": sum(a.presence == Presence.PRESENT for a in expected),
        "leave": sum(a.presence == Presence.LEAVE for a in expected),
        "guests": sum(a.role == Role.GUEST and a.presence == Presence.PRESENT for a in attendees),
    }


def request_leave(user, meeting: Meeting, reason: str) -> Attendee:
    """A member asks for leave before the meeting, with the reason."""
    person = getattr(user, "person", None)
    reason = (reason or "").strip()
    if person is None:
        raise ValidationError({"leave_reason": "账号未关联人员档案"})
    if not reason:
        raise ValidationError({"leave_reason": "请假须填写事由"})
    with transaction.atomic():
        meeting = services.locked(meeting)
        services.require_open(meeting)
        attendee = meeting.attendees.filter(person=person).first()
        if attendee is None:
            raise ValidationError({"leave_reason": "您不在本次组织生活的应到名单中"})
        if attendee.presence == Presence.PRESENT:
            raise ValidationError({"leave_reason": "您已签到，无需请假"})
        attendee.presence, attendee.leave_reason = Presence.LEAVE, reason[:200]
        attendee.save(update_fields=["presence", "leave_reason"])
        audit.record(user, "life.leave", meeting, after={"reason": attendee.leave_reason})
    return attendee


def attendee_of(meeting: Meeting, person: Person) -> Attendee:
    """The person's row, created as 列席 when they were not expected (one row even when two
    requests create it at once: the unique constraint decides)."""
    attendee = meeting.attendees.filter(person=person).first()
    if attendee is not None:
        return attendee
    try:
        with transaction.atomic():
            return Attendee.objects.create(meeting=meeting, person=person, role=Role.GUEST)
    except IntegrityError:
        return meeting.attendees.get(person=person)


def refresh_standing(person_ids) -> None:
    """Recompute the ``Standing`` of these people from their finalised attendance (two aggregate
    queries and one upsert, whatever the number of people)."""

    person_ids = list(person_ids)
    if not person_ids:
        return
    rows = Attendee.objects.filter(
        person_id__in=person_ids, meeting__status=Status.FINALISED
    ).exclude(role=Role.GUEST)
    last_not_absent = (
        rows.filter(person_id=OuterRef("person_id"))
        .exclude(presence=Presence.ABSENT)
        .order_by("-meeting__starts_at")
        .values("meeting__starts_at")[:1]
    )
    summary = (
        rows.values("person_id")
        .annotate(
            first=Min("meeting__starts_at"),
            last_present=Max("meeting__starts_at", filter=Q(presence=Presence.PRESENT)),
            kept=Subquery(last_not_absent),
        )
        .order_by()
    )
    found = {row["person_id"]: row for row in summary}
    streaks = dict(
        rows.filter(presence=Presence.ABSENT)
        .annotate(kept=Subquery(last_not_absent))
        .filter(Q(kept__isnull=True) | Q(meeting__starts_at__gt=F("kept")))
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
        .order_by()
    )
    Standing.objects.bulk_create(
        [
            Standing(
                person_id=pk,
                first_expected_at=row["first"],
                last_present_at=row["last_present"],
                absent_streak=streaks.get(pk, 0),
            )
            for pk, row in found.items()
        ],
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["first_expected_at", "last_present_at", "absent_streak"],
    )


def attended_in(person_id: int, year: int) -> int:
    """How many finalised meetings of ``year`` the person attended."""
    return Attendee.objects.filter(
        person_id=person_id,
        presence=Presence.PRESENT,
        meeting__status=Status.FINALISED,
        meeting__starts_at__year=year,
    ).count()
