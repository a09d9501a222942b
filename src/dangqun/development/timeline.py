"""What a user sees of a case and may do next: its 25 steps with their records, documents and
公示, which step is ready and whether this user may record it, what would refuse it (the rules'
findings, shown before anyone tries), and the case-wide actions open to the user (vote, assess,
extend, close, export). The case page and the API read the same timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dangqun.core.rules import Finding, Rule, get_rule
from dangqun.development import checks, services
from dangqun.development.models import Case, Status
from dangqun.development.steps import ASSESSED, STEPS, VOTES, Step

PRECHECKED = (7, 12, 15)  # steps whose period and review rules are shown before anyone tries


@dataclass
class StepRow:
    step: Step
    record: object  # the StepRecord, or None
    files: list = field(default_factory=list)
    publicity: dt.date | None = None  # the 公示 after the step ends on
    ready: bool = False  # next in order (and the case open)
    may: bool = False  # ready, and this user may record it
    may_add_files: bool = False  # done, and this user may file its documents
    findings: list[Finding] = field(default_factory=list)  # what would refuse it today
    rule: Rule | None = None  # the rule its form cites

    @property
    def has_form(self) -> bool:
        """Recorded with the step form (votes and assessments have their own)."""
        return self.may and self.step.number not in VOTES and self.step.number not in ASSESSED

    @property
    def blocked(self) -> list[str]:
        return [checks.message(f) for f in self.findings]


@dataclass
class Timeline:
    case: Case
    facts: checks.Facts
    staff: bool  # sees the file (assessments, votes, documents), not only the steps
    steps: list[StepRow]
    vote_step: int | None
    may_assess: bool
    may_manage: bool
    may_export: bool

    @property
    def may_extend(self) -> bool:
        return self.may_manage and self.case.status == Status.PROBATIONARY

    @property
    def may_close(self) -> bool:
        return self.may_manage and self.case.is_open


def of(user, case: Case, today: dt.date) -> Timeline:
    facts = checks.Facts.of(case)
    staff = services.is_staff(user, case)  # the applicant sees the steps and dates, not the file
    may_record = services.recorder(user, case)
    files: dict[int, list] = {}
    for row in case.files.all() if staff else []:
        files.setdefault(row.step, []).append(row)
    steps = [
        _row(facts, case, step, files.get(number, []), may_record, today)
        for number, step in STEPS.items()
    ]
    return Timeline(
        case=case,
        facts=facts,
        staff=staff,
        steps=steps,
        vote_step=next((r.step.number for r in steps if r.may and r.step.number in VOTES), None),
        may_assess=_may_assess(facts, case, may_record),
        may_manage=services.may_manage(user, case),
        may_export=services.may_export(user, case),
    )


def _row(facts, case: Case, step: Step, files: list, may_record, today: dt.date) -> StepRow:
    number = step.number
    record = facts.records.get(number)
    ready = record is None and case.is_open and step.after <= set(facts.records)
    ready = ready or (number == 25 and record is None and case.status == Status.FULL)
    may = ready and may_record(number)
    findings = []
    if may and number in PRECHECKED:
        findings = checks.refusals(facts, number, today, {})
    return StepRow(
        step=step,
        record=record,
        files=files,
        publicity=record and checks.publicity_ends(facts, number),
        ready=ready,
        may=may,
        may_add_files=bool(record) and may_record(number),
        findings=findings,
        rule=get_rule(step.rule) if step.rule else None,
    )


def _may_assess(facts, case: Case, may_record) -> bool:
    """An 积极分子 or 发展对象 is assessed until the 支委会 review (step ⑥), a 预备党员 through
    probation (step ㉑)."""
    step = assessed_step(case)
    return (
        case.is_open
        and may_record(step)
        and (step == 21 or 12 not in facts.records)
        and STEPS[step].after <= set(facts.records)
    )


def assessed_step(case: Case) -> int:
    return 21 if case.status == Status.PROBATIONARY else 6
