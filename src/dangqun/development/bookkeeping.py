"""What every change to a 发展党员 case does: lock the case, refuse with the rules' findings,
check the date given, and keep the case's next deadline for the board."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangqun.core.rules import Finding
from dangqun.development import checks
from dangqun.development.models import Case


def locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "branch")
        .get(pk=case.pk)
    )


def refuse(findings: list[Finding]) -> None:
    if findings:
        raise ValidationError([checks.message(f) for f in findings])


def check_date(case: Case, on: dt.date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "日期不能晚于今天"})
    if on < case.applied_on:
        raise ValidationError({field: f"日期不能早于递交入党申请书的日期 {case.applied_on}"})


def keep_due(case: Case) -> None:
    """Store the nearest open deadline for the board, and save the case."""
    due = checks.deadlines(checks.Facts.of(case))
    case.next_due_on = due[0].due_on if due else None
    case.next_due = due[0].what if due else ""
    case.save()
