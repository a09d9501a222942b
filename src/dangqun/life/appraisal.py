"""民主评议党员 (domain-rules §2, rules ``life.appraisal`` and ``life.peer_rating``): each member writes a self-assessment and
rates every other member 优秀 / 合格 / 基本合格 / 不合格; the branch then decides each grade.

Secrecy by construction: a rater's choices only add one to ``GradeCount`` rows; ``Rater`` records
that they took part. No row, log or audit entry links the two, and the counts are shown only
after the appraisal is closed and at least ``min_raters`` people took part, so a count that moved
right after one person rated cannot be watched either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.core import audit
from dangqun.core.rules import get_rule
from dangqun.life import services
from dangqun.life.models import (
    Appraisal,
    Grade,
    GradeCount,
    Kind,
    Meeting,
    Outcome,
    Rater,
    Role,
    SelfAssessment,
)

MAX_SELF = 5000


def participants(appraisal: Appraisal) -> list:
    """The members appraised and rating: full and probationary members expected at the meeting."""
    rows = appraisal.meeting.attendees.exclude(role=Role.GUEST).select_related("person")
    return [row.person for row in rows.order_by("person__employee_no", "person_id")]


def of_meeting(meeting: Meeting) -> Appraisal:
    """The meeting's appraisal, or the refusal saying it has none yet."""
    found = Appraisal.objects.filter(meeting=meeting).first()
    if found is None:
        raise ValidationError("本次会议尚未开展民主评议")
    return found


def open_appraisal(actor, meeting: Meeting) -> Appraisal:
    services.require_manage(actor, meeting.org)
    if meeting.kind not in (Kind.APPRAISAL, Kind.LIFE_MEETING):
        raise ValidationError({"kind": "民主评议在“民主评议党员”或“组织生活会”上开展"})
    with transaction.atomic():
        appraisal, created = Appraisal.objects.get_or_create(meeting=meeting)
        if not created:
            raise ValidationError({"appraisal": "本次会议已开展民主评议"})
        # Every count exists from the start at 0: a rating only updates rows, so the order rows
        # were created in cannot tell which rater first gave a grade.
        GradeCount.objects.bulk_create(
            GradeCount(appraisal=appraisal, person=person, grade=grade)
            for person in participants(appraisal)
            for grade in Grade.values
        )
        audit.record(actor, "life.appraisal_open", meeting)
    return appraisal


def close_appraisal(actor, appraisal: Appraisal) -> Appraisal:
    services.require_manage(actor, appraisal.meeting.org)
    with transaction.atomic():
        locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        if not locked.is_open:
            raise ValidationError({"appraisal": "民主评议已结束"})
        locked.closed_at = appraisal.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        # Rewrite every count in this transaction, so no row still carries the transaction of
        # the last rater who changed it (PostgreSQL keeps it in a system column).
        locked.counts.update(count=F("count"))
        audit.record(actor, "life.appraisal_close", appraisal.meeting)
    return appraisal


def _participant(user, appraisal: Appraisal):
    person = getattr(user, "person", None)
    if person is None or person not in participants(appraisal):
        raise ValidationError({"appraisal": "您不是本次民主评议的参评党员"})
    if not appraisal.is_open:
        raise ValidationError({"appraisal": "民主评议已结束"})
    return person


def submit_self(user, appraisal: Appraisal, text: str) -> SelfAssessment:
    person = _participant(user, appraisal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写个人自评"})
    if len(text) > MAX_SELF:
        raise ValidationError({"text": f"个人自评不能超过 {MAX_SELF} 个字"})
    with transaction.atomic():
        own, _ = SelfAssessment.objects.update_or_create(
            appraisal=appraisal, person=person, defaults={"text": text}
        )
        audit.record(user, "life.self_assessment", appraisal.meeting)
    return own


def submit_ratings(user, appraisal: Appraisal, grades: dict[int, str]) -> None:
    """The person's ratings of every other participant, once. Only the counts change."""
    person = _participant(user, appraisal)
    others = {p.pk: p for p in participants(appraisal) if p.pk != person.pk}
    missing = [p.name for pk, p in others.items() if pk not in grades]
    if missing:
        raise ValidationError({"grades": f"请评议全部党员（尚未评：{'、'.join(missing)}）"})
    if set(grades) - set(others) or any(g not in Grade.values for g in grades.values()):
        raise ValidationError({"grades": "评议内容不正确"})
    try:
        with transaction.atomic():
            Rater.objects.create(appraisal=appraisal, person=person)  # once: unique
            for pk in sorted(others):  # rows in the same order for every rater
                counted = GradeCount.objects.filter(
                    appraisal=appraisal, person_id=pk, grade=grades[pk]
                ).update(count=F("count") + 1)
                if not counted:
                    raise ValidationError({"grades": "评议名单已变化，请刷新后重新评议"})
            # The audit row says that they rated, never what.
            audit.record(user, "life.peer_ratings", appraisal.meeting)
    except IntegrityError:
        raise ValidationError({"grades": "您已提交过互评，不能重复提交"}) from None


@dataclass(frozen=True)
class Tally:
    person: object
    counts: dict[str, int]
    outcome: str | None


def tallies(appraisal: Appraisal) -> list[Tally] | None:
    """Counts per member and grade, or None while they could still reveal a rater (open, or
    fewer than ``min_raters`` took part)."""
    rule = get_rule("life.peer_rating")
    if appraisal.is_open or appraisal.raters.count() < rule["min_raters"]:
        return None
    counts: dict = {}
    for person_id, grade, count in appraisal.counts.values_list("person_id", "grade", "count"):
        counts.setdefault(person_id, {})[grade] = count
    outcomes = dict(appraisal.outcomes.values_list("person_id", "grade"))
    return [
        Tally(p, {g: counts.get(p.pk, {}).get(g, 0) for g in Grade.values}, outcomes.get(p.pk))
        for p in participants(appraisal)
    ]


def decide(actor, appraisal: Appraisal, person, grade: str) -> Outcome:
    """The branch's grade for a member, once the counts are shown."""
    services.require_manage(actor, appraisal.meeting.org)
    require(grade in Grade.values, "评定等次不正确")
    if tallies(appraisal) is None:
        raise ValidationError({"grade": "互评结束且参评人数足够后才能评定等次"})
    if person not in participants(appraisal):
        raise ValidationError({"grade": "该人员不是本次民主评议的参评党员"})
    with transaction.atomic():
        outcome, _ = Outcome.objects.update_or_create(
            appraisal=appraisal, person=person, defaults={"grade": grade, "decided_by": actor}
        )
        audit.record(
            actor,
            "life.appraisal_grade",
            appraisal.meeting,
            after={"person": person.pk, "grade": grade},
        )
    return outcome
