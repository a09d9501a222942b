"""The rules of 发展党员 applied to a case: why a step may not be recorded (refusals) and what is
due by when (deadlines). Every refusal and deadline cites its rule (``core/rules/national.toml``,
group ``development``); the services refuse, the pages show the same findings before anyone
tries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from dangqun.core.dates import months_between, months_later, years_between
from dangqun.core.rules import Finding, Rule, get_rule
from dangqun.core.workcalendar import WorkCalendar
from dangqun.development.models import Assessment, Case, Helper, StepRecord
from dangqun.development.steps import ADMITTED, STEPS
from dangqun.people.models import PartyProfile, Person


@dataclass
class Facts:
    """What a case has done so far, loaded once (four queries)."""

    case: Case
    records: dict[int, StepRecord] = field(default_factory=dict)
    helpers: list[Helper] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)

    @classmethod
    def of(cls, case: Case) -> Facts:
        return cls(
            case,
            {r.number: r for r in case.records.select_related("org", "actor")},
            list(case.helpers.select_related("person")),
            list(case.assessments.all()),
        )

    def done_on(self, number: int) -> dt.date | None:
        record = self.records.get(number)
        return record.done_on if record else None

    def detail(self, number: int, name: str, default=None):
        record = self.records.get(number)
        return record.details.get(name, default) if record else default


# Refusals -----------------------------------------------------------------------------------
def can_apply(person: Person, applied_on: dt.date) -> list[Finding]:
    """Whether a person may open a case with an application of this date (rule
    ``development.min_age``)."""
    found = []
    if person.political_status in ("cpc", "cpc_probationary"):
        found.append(_plain(f"{person.name}已是党员，无需申请入党"))
    if person.birth_date is None:
        found.append(_plain(f"请先在人员信息中填写{person.name}的出生日期"))
    else:
        rule = get_rule("development.min_age")
        age = years_between(person.birth_date, applied_on)
        if age < rule["years"]:
            found.append(Finding(rule, rule.explain(name=person.name, age=age), person))
    return found


def refusals(facts: Facts, number: int, on: dt.date, data: dict) -> list[Finding]:
    """Why step ``number`` may not be recorded on ``on`` with ``data`` (empty: it may)."""
    step, case = STEPS[number], facts.case
    if not case.is_open and not (number == 25 and case.status == "full"):  # 归档 after 转正
        return [_plain("该发展党员工作已终止或已完成")]
    if number in facts.records:
        return [_plain(f"第 {number} 步“{step.name}”已办理")]
    missing = sorted(n for n in step.after if n not in facts.records)
    if missing:
        names = "、".join(f"{STEPS[n].mark}{STEPS[n].name}" for n in missing)
        return [_plain(f"请先办理：{names}")]
    earlier = [n for n in step.after if facts.done_on(n) and facts.done_on(n) > on]
    if earlier:
        n = max(earlier, key=lambda k: facts.done_on(k))
        return [_plain(f"日期不能早于“{STEPS[n].name}”的日期 {facts.done_on(n)}")]
    found = _publicity(facts, step, on)
    check = _CHECKS.get(number)
    return found + (check(facts, on, data) if check else [])


def publicity_ends(facts: Facts, number: int) -> dt.date | None:
    """When the 公示 after step ``number`` ends, if this site's rule ``development.publicity``
    (a local practice, off by default) asks for one at that step."""
    rule = get_rule("development.publicity")
    done = facts.done_on(number)
    if not rule.enabled or done is None or number not in rule["steps"]:
        return None
    start = dt.datetime.combine(done, dt.time(12), tzinfo=timezone.get_current_timezone())
    return WorkCalendar().add_working_days(start, rule["working_days"]).date()


def _publicity(facts: Facts, step, on: dt.date) -> list[Finding]:
    rule = get_rule("development.publicity")
    found = []
    for number in sorted(step.after):
        ends = publicity_ends(facts, number)
        if ends is not None and on <= ends:
            text = rule.explain(step=f"“{STEPS[number].name}”", ends_on=ends)
            found.append(Finding(rule, f"{text}，期满后方可办理下一步"))
    return found


def _contacts(facts, on, data) -> list[Finding]:
    rule = get_rule("development.contacts")
    people = data.get("people") or []
    found = []
    if not rule["min"] <= len(people) <= rule["max"]:
        found.append(Finding(rule, rule.message.format(**rule.params)))
    return found + _full_members(people, on, "培养联系人")


def _candidate(facts, on, data) -> list[Finding]:
    rule = get_rule("development.activist_period")
    chosen = facts.done_on(3)
    if on < months_later(chosen, rule["months"]):  # the same arithmetic as the deadlines
        return [Finding(rule, rule.explain(elapsed=months_between(chosen, on)))]
    return []


def _probation_over(facts, on, data) -> list[Finding]:
    """转正 is discussed and approved once the probation has ended (the 转正 date is its end)."""
    rule = get_rule("development.probation")
    ends = probation_ends(facts.case)
    if ends and on < ends:
        return [Finding(rule, f"{rule.explain()}；预备期至 {ends}，期满后方可讨论和审批转正")]
    return []


def _introducers(facts, on, data) -> list[Finding]:
    rule = get_rule("development.introducers")
    people = data.get("people") or []
    found = []
    if len(people) != rule["count"]:
        found.append(Finding(rule, f"{rule.explain()}，现选 {len(people)} 名"))
    return found + _full_members(people, on, "入党介绍人")


def _review(facts, on, data) -> list[Finding]:
    rule = get_rule("development.political_review")
    if not (data.get("conclusion") or "").strip():
        return [Finding(rule, "请填写政治审查的结论性意见")]
    return []


def _admission(facts, on, data) -> list[Finding]:
    """Before the 支委会 reviews a candidate (and again at the 支部大会): a written, favourable
    political review and enough training."""
    found = []
    review = get_rule("development.political_review")
    if not facts.detail(10, "qualified", False):
        found.append(Finding(review, "政治审查结论为不合格，" + review.message))
    training = get_rule("development.training")
    days, hours = facts.detail(11, "days", 0) or 0, facts.detail(11, "hours", 0) or 0
    if days < training["days"] and hours < training["hours"]:
        found.append(
            Finding(
                training,
                f"集中培训 {days} 天、{hours} 学时，不足 {training['days']} 天或 "
                f"{training['hours']} 学时",
            )
        )
    return found


def _full_members(people: list[Person], on: dt.date, role: str) -> list[Finding]:
    rule = get_rule("development.full_member_only")
    full = set(
        PartyProfile.objects.filter(
            person__in=people, full_member_on__lte=on, left_on__isnull=True
        ).values_list("person_id", flat=True)
    )
    return [
        Finding(rule, rule.explain(name=p.name, on=on, role=role), p)
        for p in people
        if p.pk not in full
    ]


_CHECKS = {
    5: _contacts,
    7: _candidate,
    9: _introducers,
    10: _review,
    12: _admission,
    15: _admission,
    23: _probation_over,
    24: _probation_over,
}


def extension_refusals(facts: Facts, months: int, on: dt.date) -> list[Finding]:
    rule, case = get_rule("development.extension"), facts.case
    if case.status != "probationary":
        return [_plain("只有预备党员可以延长预备期")]
    if 23 in facts.records:
        return [_plain("支部大会已讨论通过转正，不能再延长预备期")]
    if case.admitted_on and on < case.admitted_on:
        return [_plain(f"日期不能早于支部大会通过接收的日期 {case.admitted_on}")]
    if case.extension_months:
        return [Finding(rule, f"预备期已延长过一次（{case.extension_months} 个月），不能再次延长")]
    if not rule["min_months"] <= months <= rule["max_months"]:
        return [Finding(rule, rule.message.format(**rule.params))]
    return []


def _plain(text: str) -> Finding:
    """A refusal that is a matter of sequence or data, not of a cited rule."""
    return Finding(PLAIN, text)


PLAIN = Rule(id="development.sequence", title="办理顺序", citation="", message="")


def message(finding: Finding) -> str:
    """What a user reads: the text, and the rule it cites (sequence refusals cite none)."""
    return finding.text if finding.rule is PLAIN else str(finding)


# Deadlines ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    due_on: dt.date
    what: str
    rule: Rule
    late_on: dt.date | None = None  # past this even the allowed special case is exceeded

    def overdue(self, today: dt.date) -> bool:
        return today > self.due_on

    def __str__(self) -> str:
        return f"{self.what}：{self.due_on} 前（依据：{self.rule.citation}）"


def probation_ends(case: Case) -> dt.date | None:
    if case.admitted_on is None:
        return None
    months = get_rule("development.probation")["months"] + case.extension_months
    return months_later(case.admitted_on, months)


def deadlines(facts: Facts) -> list[Deadline]:
    """What the case owes next, earliest first."""
    case, done = facts.case, facts.records
    if not case.is_open:
        return []
    found = []
    if 2 not in done:
        rule = get_rule("development.talk")
        found.append(
            Deadline(months_later(case.applied_on, rule["months"]), "与入党申请人谈话", rule)
        )
    assess = get_rule("development.assessment")
    if 3 in done and 12 not in done:
        last = max([a.done_on for a in facts.assessments if a.step == 6] + [facts.done_on(3)])
        found.append(Deadline(months_later(last, assess["months"]), "培养考察", assess))
    approval = get_rule("development.approval")
    for vote, decision, what in ((15, ADMITTED, "审批接收预备党员"), (23, 24, "审批预备党员转正")):
        if vote in done and decision not in done:
            found.append(
                Deadline(
                    months_later(facts.done_on(vote), approval["months"]),
                    what,
                    approval,
                    months_later(facts.done_on(vote), approval["special_months"]),
                )
            )
    if case.status == "probationary" and 22 not in done:
        last = max(
            [a.done_on for a in facts.assessments if a.step == 21] + [facts.done_on(ADMITTED)]
        )
        found.append(Deadline(months_later(last, assess["months"]), "预备党员考察", assess))
    if case.status == "probationary" and 23 not in done:
        found.append(
            Deadline(probation_ends(case), "预备期满，讨论转正", get_rule("development.probation"))
        )
    return sorted(found, key=lambda d: d.due_on)
