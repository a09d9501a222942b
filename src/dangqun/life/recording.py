"""Recording a meeting: its plan and minutes changed until finalised, cancelled, finalised (the
attendance then fixed and the members' standing recomputed), and addenda to finalised minutes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.core import audit, filestore
from dangqun.core.rules import Rule, get_rule
from dangqun.life import attendance, meeting_files, services, tally
from dangqun.life.models import (
    Addendum,
    Attendee,
    Meeting,
    Presence,
    Role,
    Status,
)

MAX_TOPIC = 200
MAX_TEXT = 20_000
# Called with the meeting inside ``finalise``'s transaction: what follows from a finalised record
# in other apps (学习培训's ledger registers itself; 组织生活 does not know who listens).
after_finalised: list[Callable] = []
EDITABLE = ("topic", "starts_at", "ends_at", "place", "host", "recorder", "agenda")
RECORD = ("minutes", "decisions")


def update(actor, meeting: Meeting, data: dict) -> Meeting:
    """Change the plan or the record of a meeting not yet finalised."""
    with transaction.atomic():
        meeting = services.locked(meeting)
        services.require_manage(actor, meeting.org)
        services.require_open(meeting)
        errors = check({**summary(meeting, raw=True), **data})
        if errors:
            raise ValidationError(errors)
        before, counted_in = summary(meeting), tally.key(meeting)
        for name in (*EDITABLE, *RECORD):
            if name in data:
                value = data[name]
                setattr(meeting, name, value.strip() if isinstance(value, str) else value)
        if meeting.status == Status.PLANNED and any(data.get(name) for name in RECORD):
            meeting.status, meeting.held_at = Status.HELD, timezone.now()
        meeting.save()
        tally.refresh([counted_in, tally.key(meeting)])
        audit.record(actor, "life.update", meeting, before=before, after=summary(meeting))
    return meeting


def cancel(actor, meeting: Meeting, *, reason: str) -> Meeting:
    with transaction.atomic():
        meeting = services.locked(meeting)
        services.require_manage(actor, meeting.org)
        if meeting.status != Status.PLANNED:
            raise ValidationError({"status": "只有尚未召开的组织生活可以取消"})
        if not (reason or "").strip():
            raise ValidationError({"reason": "请说明取消的原因"})
        meeting.status = Status.CANCELLED
        meeting.save(update_fields=["status"])
        audit.record(actor, "life.cancel", meeting, after={"reason": reason.strip()})
    return meeting


def finalise(actor, meeting: Meeting) -> Meeting:
    """Freeze the minutes: from now on a change is an addendum."""
    with transaction.atomic():
        meeting = services.locked(meeting)
        services.require_manage(actor, meeting.org)
        services.require_open(meeting)
        refusals = finalise_refusals(meeting)
        if refusals:  # the first reason, as the API has always answered
            field, reason = next(iter(refusals.items()))
            raise ValidationError({field: reason})
        meeting.attendees.filter(presence=Presence.EXPECTED).update(presence=Presence.ABSENT)
        meeting.status, meeting.finalised_at, meeting.finalised_by = (
            Status.FINALISED,
            timezone.now(),
            actor,
        )
        meeting.held_at = meeting.held_at or meeting.finalised_at
        expected = meeting.attendees.exclude(role=Role.GUEST)
        meeting.expected_count = expected.count()
        meeting.present_count = expected.filter(presence=Presence.PRESENT).count()
        meeting.save()
        tally.refresh([tally.key(meeting)])
        attendance.refresh_standing(expected.values_list("person_id", flat=True))
        for hook in after_finalised:
            hook(meeting)
        audit.record(actor, "life.finalise", meeting, after=summary(meeting))
    return meeting


def finalise_refusals(meeting: Meeting) -> dict[str, str]:
    """Why the meeting's record cannot be finalised yet (empty when it can)."""
    refusals = {}
    if not meeting.minutes.strip():
        refusals["minutes"] = "请先填写会议记录再定稿"
    if meeting.starts_at > timezone.now():
        refusals["status"] = "会议尚未开始，不能定稿"
    return refusals


@dataclass(frozen=True)
class FinaliseConsequences:
    """What finalising the record would do now: who is marked absent, and whether the voting
    members present make the quorum of rule ``life.quorum`` (domain-rules §2)."""

    absent: list[Attendee]
    voting_expected: int
    voting_present: int
    rule: Rule
    refusals: dict[str, str]

    @property
    def quorate(self) -> bool:
        return self.voting_present * 2 > self.voting_expected

    @property
    def quorum_needed(self) -> int:
        return self.voting_expected // 2 + 1

    @property
    def fingerprint(self) -> str:
        """Who would be marked absent, as the confirmation form carries it: a check-in or a
        leave recorded meanwhile changes it, and the page asks again."""
        return ",".join(str(a.person_id) for a in self.absent)


def finalise_consequences(meeting: Meeting) -> FinaliseConsequences:
    """Read-only: what ``finalise`` would do to the meeting as it stands (one query)."""
    attendees = list(
        meeting.attendees.select_related("person").order_by("person_id")
    )  # person_id order: the fingerprint does not depend on names
    voters = [a for a in attendees if a.role == Role.MEMBER]
    return FinaliseConsequences(
        absent=[a for a in attendees if a.presence == Presence.EXPECTED],
        voting_expected=len(voters),
        voting_present=sum(a.presence == Presence.PRESENT for a in voters),
        rule=get_rule("life.quorum"),
        refusals=finalise_refusals(meeting),
    )


def add_addendum(actor, meeting: Meeting, text: str, files=()) -> Addendum:
    """A correction of finalised minutes, with its author and time, and perhaps photos or
    documents (checked uploads); the minutes stay as they were."""
    services.require_manage(actor, meeting.org)
    if not meeting.is_finalised:
        raise ValidationError({"text": "记录尚未定稿，请直接修改会议记录"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写补充说明"})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"不能超过 {MAX_TEXT} 个字"})
    meeting_files.require_room(
        meeting, files
    )  # before writing anything; again below, under the lock
    stored = filestore.store(list(files), "life", previews=True)
    with transaction.atomic():
        meeting = services.locked(meeting)
        meeting_files.require_room(meeting, stored)
        addendum = Addendum.objects.create(meeting=meeting, author=actor, text=text)
        meeting_files.file_rows(actor, meeting, stored, addendum=addendum)
        audit.record(
            actor,
            "life.addendum",
            meeting,
            after={"text": text, "files": meeting_files.stored_names(stored)},
        )
    return addendum


def check(data: dict) -> dict[str, str]:
    errors = {}
    topic = (data.get("topic") or "").strip()
    if not topic:
        errors["topic"] = "请填写主题"
    elif len(topic) > MAX_TOPIC:
        errors["topic"] = f"主题不能超过 {MAX_TOPIC} 个字"
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts is None:
        errors["starts_at"] = "请填写开始时间"
    elif ends is not None and ends <= starts:
        errors["ends_at"] = "结束时间应晚于开始时间"
    for name in ("agenda", *RECORD):
        if len(data.get(name) or "") > MAX_TEXT:
            errors[name] = f"不能超过 {MAX_TEXT} 个字"
    return errors


def summary(meeting: Meeting, raw: bool = False) -> dict:
    if raw:
        return {name: getattr(meeting, name) for name in (*EDITABLE, *RECORD)}
    return {
        "kind": meeting.kind,
        "topic": meeting.topic,
        "starts_at": meeting.starts_at,
        "status": meeting.status,
        "org": meeting.org.name,
    }
