"""Opening a 发展党员 case (step ① 递交入党申请书) and ending one (withdrawn, left, or the
预备资格 cancelled)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_DEVELOPMENT
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.development import checks
from dangqun.development.bookkeeping import check_date, keep_due, locked, refuse
from dangqun.development.models import Case, Status, StepRecord
from dangqun.development.services import require_not_self
from dangqun.orgs.models import BRANCH_KINDS, Org
from dangqun.people import services as people
from dangqun.people.models import Person


def open_case(actor, person: Person, branch: Org, applied_on: dt.date, note: str = "") -> Case:
    """Step ① 递交入党申请书: the case of ``person`` in ``branch``."""
    require(Scope.of(actor).can(MANAGE_DEVELOPMENT, branch), "您无权在该党支部办理发展党员")
    if branch.kind not in BRANCH_KINDS or not branch.is_active:
        raise ValidationError({"branch": "请选择一个现有的党支部"})
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": "日期不能晚于今天"})
    require_not_self(actor, person)
    refuse(checks.can_apply(person, applied_on))
    if not _works_in(person, branch):
        raise ValidationError(
            {"branch": f"{person.name}不在该党支部所在单位，请在其所在单位的党支部登记"}
        )
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if Case.objects.filter(person=person, status__in=(Status.ACTIVE, Status.PROBATIONARY)):
            raise ValidationError(f"{person.name}已有正在办理的发展党员记录")
        case = Case.objects.create(person=person, branch=branch, applied_on=applied_on)
        StepRecord.objects.create(
            case=case, number=1, done_on=applied_on, org=branch, actor=actor, note=note.strip()
        )
        keep_due(case)
        audit.record(actor, "development.open", case, after=_summary(case))
    return case


def _works_in(person: Person, branch: Org) -> bool:
    """Whether the person works in a unit the branch covers (its unit, the units a joint branch
    covers, or any unit under them)."""
    units = [branch.unit_id, *branch.covered_units.values_list("pk", flat=True)]
    paths = list(Org.objects.filter(pk__in=[u for u in units if u]).values_list("path", flat=True))
    unit = person.unit
    return unit is not None and any(unit.path.startswith(path) for path in paths)


def close(actor, case: Case, on: dt.date, reason: str) -> Case:
    """End a case (the applicant withdrew, left, or the 预备资格 was cancelled)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明终止的原因"})
    with transaction.atomic():
        case = locked(case)
        require(Scope.of(actor).can(MANAGE_DEVELOPMENT, case.branch), "您无权终止该发展党员记录")
        require_not_self(actor, case.person)
        if not case.is_open:
            raise ValidationError("该发展党员记录已终止或已完成")
        check_date(case, on, "on")
        end(actor, case, on, reason)
        keep_due(case)
        audit.record(actor, "development.close", case, after={"on": on, "reason": reason})
    return case


def end(actor, case: Case, on: dt.date, reason: str) -> None:
    if case.status == Status.PROBATIONARY:
        people.cancel_probation(actor, case.person, on, reason)
    case.status, case.closed_on, case.closed_reason = Status.CLOSED, on, reason[:200]


def _summary(case: Case) -> dict:
    return {
        "person": case.person.name,
        "branch": case.branch.name,
        "applied_on": case.applied_on,
        "status": case.status,
    }
