"""The approving 党委's decisions (admission, 转正) and extending a 预备党员's probation."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from dangqun.core import audit
from dangqun.development import checks
from dangqun.development.bookkeeping import check_date, keep_due, locked, refuse
from dangqun.development.models import Case, Status
from dangqun.development.opening import end
from dangqun.development.services import require_record
from dangqun.development.steps import ADMITTED, CONFIRMED
from dangqun.people import services as people


def apply_decision(actor, case: Case, number: int, on: dt.date, approved: bool) -> None:
    """The approving 党委's decision: admission makes the person a 预备党员 (joined on the day
    of the 支部大会), 转正 a full member (from the end of probation); refusing admission ends the
    case, refusing 转正 also cancels the 预备党员资格."""
    if number == ADMITTED and approved:
        case.status = Status.PROBATIONARY
        people.admit_probationary(actor, case.person, case.branch, case.admitted_on)
    elif number == CONFIRMED and approved:
        case.status = Status.FULL
        people.confirm_full_member(actor, case.person, checks.probation_ends(case))
    else:
        reason = "上级党委未批准接收" if number == ADMITTED else "上级党委未批准转正"
        end(actor, case, on, reason)


def extend_probation(actor, case: Case, months: int, on: dt.date, reason: str) -> Case:
    """Extend probation once, by 6 to 12 months (rule ``development.extension``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明延长预备期的原因"})
    with transaction.atomic():
        case = locked(case)
        require_record(actor, case, 23)
        check_date(case, on, "on")
        refuse(checks.extension_refusals(checks.Facts.of(case), months, on))
        before = checks.probation_ends(case)
        case.extension_months = months
        keep_due(case)
        audit.record(
            actor,
            "development.extend",
            case,
            before={"probation_ends": before},
            after={"probation_ends": checks.probation_ends(case), "on": on, "reason": reason},
        )
    return case
