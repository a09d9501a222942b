"""Corrections: the member asks, the branch checks, the 基层党委 re-checks and the change is applied
(domain-rules §6)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from dangqun.accounts.roles import APPROVE_CORRECTIONS, CHECK_CORRECTIONS
from dangqun.accounts.scope import Scope, get_in_scope, require
from dangqun.core import audit
from dangqun.people.membership import set_party_profile
from dangqun.people.models import CorrectionRequest, Education, Person
from dangqun.people.persons import audited, update_person
from dangqun.people.rules import CORRECTABLE_FIELDS

OPEN = [CorrectionRequest.Status.SUBMITTED, CorrectionRequest.Status.BRANCH_CHECKED]


def _checkable(user) -> QuerySet:
    """Requests about the people this user may check corrections for."""
    visible = Scope.of(user).people(CHECK_CORRECTIONS).values("pk")
    return CorrectionRequest.objects.filter(person__in=visible)


def pending_corrections(user) -> QuerySet:
    """The open requests this user checks; without the right to check corrections, 403."""
    require(Scope.of(user).has(CHECK_CORRECTIONS), "您没有审核更正申请的权限")
    return _checkable(user).filter(status__in=OPEN).select_related("person")


def require_reviewable(user, pk: int) -> CorrectionRequest:
    """One request about a person this user may check corrections for; or 404."""
    return get_in_scope(_checkable(user), pk=pk)


@transaction.atomic
def request_correction(actor, person: Person, changes: dict[str, str], reason: str):
    require(Scope.of(actor).is_self(person), "只能申请更正本人信息")
    changes = {k: str(v).strip() for k, v in changes.items() if k in CORRECTABLE_FIELDS}
    changes = {k: _clean_change(k, v) for k, v in changes.items() if v}
    if not changes:
        raise ValidationError("请至少填写一项需要更正的内容")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明更正理由"})
    if person.corrections.filter(status__in=OPEN).exists():
        raise ValidationError("您已有一项更正申请正在审核中")
    request = CorrectionRequest.objects.create(
        person=person, requested_by=actor, changes=changes, reason=reason.strip()
    )
    audit.record(actor, "correction.request", request, after=audited(changes))
    return request


def _parse_change(field: str, value: str):
    if field in ("joined_on", "full_member_on"):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{CORRECTABLE_FIELDS[field]}格式应为 YYYY-MM-DD") from None
    return value


def _clean_change(field: str, value: str) -> str:
    """Check a requested value when it is asked for, not only when it is applied."""
    if field == "education":
        by_label = {label: code for code, label in Education.choices}
        if value not in Education.values and value not in by_label:
            raise ValidationError({field: "学历应为：" + "、".join(Education.labels)})
        return by_label.get(value, value)
    _parse_change(field, value)
    return value


@transaction.atomic
def review_correction(actor, request: CorrectionRequest, *, approve: bool, note: str = ""):
    """Branch check first, then the 党委 re-check applies the change; either may send it back."""
    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    scope = Scope.of(actor)
    Status = CorrectionRequest.Status
    if request.status == Status.SUBMITTED:
        require(
            scope.people(CHECK_CORRECTIONS).filter(pk=request.person_id).exists(),
            "您无权审核该更正申请",
        )
        request.checked_by = actor
        request.status = Status.BRANCH_CHECKED if approve else Status.REJECTED
    elif request.status == Status.BRANCH_CHECKED:
        require(
            scope.people(APPROVE_CORRECTIONS).filter(pk=request.person_id).exists(),
            "您无权复核该更正申请",
        )
        request.decided_by = actor
        request.status = Status.APPROVED if approve else Status.REJECTED
    else:
        raise ValidationError("该申请已办结")
    if not approve and not note.strip():
        raise ValidationError({"decision_note": "退回时请填写理由"})
    request.decision_note = note.strip()
    request.save()
    if request.status == Status.APPROVED:
        person_changes = {}
        profile_changes = {}
        for field, value in request.changes.items():
            target = profile_changes if field in ("joined_on", "full_member_on") else person_changes
            target[field] = _parse_change(field, value)
        if person_changes:
            update_person(actor, request.person, person_changes)
        if profile_changes:
            set_party_profile(actor, request.person, profile_changes)
    audit.record(
        actor, "correction.review", request, after={"status": request.status, "note": note}
    )
    return request
