"""The 支部大会's votes on a 发展党员 case (admission, 转正) and the half-yearly assessments of
积极分子, 发展对象 and 预备党员."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.core import audit
from dangqun.development import checks
from dangqun.development.bookkeeping import keep_due, locked, refuse
from dangqun.development.models import Assessment, BranchVote, Case, Status, StepRecord
from dangqun.development.services import MAX_TEXT, require_record
from dangqun.development.steps import ADMITTED, VOTES
from dangqun.life.models import Kind as MeetingKind
from dangqun.life.models import Presence, Role
from dangqun.life.models import Status as MeetingStatus
from dangqun.life.voting import decide

MAX_COUNT = 100_000  # more members than any branch has (and within the 32-bit columns)


def record_vote(
    actor,
    case: Case,
    step: int,
    *,
    held_on: dt.date | None = None,
    expected: int | None = None,
    present: int | None = None,
    written: int,
    yes: int,
    no: int,
    abstain: int,
    meeting=None,
) -> BranchVote:
    """The 支部大会's vote on the case (step ⑮ admission, ㉓ 转正), counted by the rule
    ``development.branch_vote``. Passing records the step; a vote that fails is kept too.

    With ``meeting`` (the branch's 支部党员大会 recorded in 组织生活) the date and the voting
    members expected and present come from its attendance list: entered once, not twice."""
    if step not in VOTES:
        raise ValidationError("没有这个表决步骤")
    if meeting is not None:
        held_on, expected, present = _from_meeting(case, meeting)
    _check_counts(held_on, expected, present, written, yes, no, abstain)
    with transaction.atomic():
        case = locked(case)
        require_record(actor, case, step)
        refuse(checks.refusals(checks.Facts.of(case), step, held_on, {}))
        last = case.votes.filter(step=step).order_by("-held_on").first()
        if last and held_on < last.held_on:
            raise ValidationError({"held_on": f"日期不能早于上一次表决的日期 {last.held_on}"})
        decision = decide(expected, present, yes)
        vote = BranchVote.objects.create(
            case=case,
            step=step,
            held_on=held_on,
            meeting=meeting,
            voting_expected=expected,
            voting_present=present,
            written=written,
            yes=yes,
            no=no,
            abstain=abstain,
            quorate=decision.quorate,
            passed=decision.passed,
            actor=actor,
        )
        if decision.passed:
            StepRecord.objects.create(
                case=case,
                number=step,
                done_on=held_on,
                org=case.branch,
                actor=actor,
                note=decision.explanation,
                details={"vote": vote.pk},
            )
            case.step = max(case.step, step)
            if step == 15:
                case.admitted_on = held_on  # the probation counts from here
        keep_due(case)
        audit.record(
            actor,
            "development.vote",
            case,
            after={"step": step, "held_on": held_on, "yes": yes, "passed": decision.passed},
        )
    return vote


def _check_counts(held_on, expected, present, written, yes, no, abstain) -> None:
    """The date and counts of a vote are all there and add up."""
    missing = {
        name: f"请填写{label}"
        for name, label, value in (
            ("held_on", "支部大会日期", held_on),
            ("expected", "应到会有表决权的党员人数", expected),
            ("present", "实到会有表决权的党员人数", present),
        )
        if value is None
    }
    if missing:
        raise ValidationError(missing)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "日期不能晚于今天"})
    if min(expected, present, written, yes, no, abstain) < 0:
        raise ValidationError("人数和票数不能为负数")
    if max(expected, present, written, yes, no, abstain) > MAX_COUNT:
        raise ValidationError(f"人数和票数不能超过 {MAX_COUNT}")
    if present > expected:
        raise ValidationError({"present": "实到人数不能多于应到人数"})
    if present + written > expected:
        raise ValidationError({"written": "实到人数加书面意见不能多于应到人数"})
    if yes + no + abstain > present + written:
        raise ValidationError({"yes": "票数之和不能多于实到人数加书面意见"})


def _from_meeting(case: Case, meeting) -> tuple[dt.date, int, int]:
    """The date, and the full members expected and present, of a 支部党员大会 of the case's
    branch that has been held (only full members vote)."""
    held = meeting.status in (MeetingStatus.HELD, MeetingStatus.FINALISED)
    if meeting.org_id != case.branch_id or meeting.kind != MeetingKind.GENERAL_MEETING or not held:
        raise ValidationError({"meeting": "请选择本支部已召开的支部党员大会"})
    voters = meeting.attendees.filter(role=Role.MEMBER)
    present = voters.filter(presence=Presence.PRESENT).count()
    return timezone.localtime(meeting.starts_at).date(), voters.count(), present


def assess(actor, case: Case, on: dt.date, text: str) -> Assessment:
    """A half-yearly assessment (rule ``development.assessment``): of an 积极分子 or 发展对象
    (step ⑥, whose first assessment records the step), or of a 预备党员 (step ㉑)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写考察意见"})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"考察意见不能超过 {MAX_TEXT} 个字"})
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    with transaction.atomic():
        case = locked(case)
        if not case.is_open:
            raise ValidationError("该发展党员记录已终止或已完成")
        step = 21 if case.status == Status.PROBATIONARY else 6
        require_record(actor, case, step)
        facts = checks.Facts.of(case)
        since = facts.done_on(3 if step == 6 else ADMITTED)
        if since and on < since:
            what = "确定为入党积极分子" if step == 6 else "批准为预备党员"
            raise ValidationError({"on": f"考察日期不能早于{what}的日期 {since}"})
        if step not in facts.records:
            refuse(checks.refusals(facts, step, on, {}))
            StepRecord.objects.create(
                case=case, number=step, done_on=on, org=case.branch, actor=actor
            )
            case.step = max(case.step, step)
        elif step == 6 and 12 in facts.records:
            raise ValidationError("已进入接收预备党员阶段，不再进行积极分子考察")
        assessment = Assessment.objects.create(
            case=case, step=step, done_on=on, text=text, actor=actor
        )
        keep_due(case)
        audit.record(actor, "development.assess", case, after={"step": step, "on": on})
    return assessment
