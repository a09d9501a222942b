"""Votes taken at a meeting, decided by rule ``life.quorum`` with the voting members counted from
attendance."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from dangqun.core import audit
from dangqun.life import services
from dangqun.life.models import (
    Meeting,
    Presence,
    Role,
    Vote,
)


@dataclass(frozen=True)
class Decision:
    quorate: bool
    passed: bool
    explanation: str


def decide(voting_expected: int, voting_present: int, yes: int) -> Decision:
    """Domain-rules §2 (rule ``life.quorum``): a vote may be taken when the voting members present
    are more than half of those who should attend; a motion passes with yes votes from more than
    half of the voting members who should attend (not of those present)."""
    quorate = voting_present * 2 > voting_expected
    passed = quorate and yes * 2 > voting_expected
    need_present = voting_expected // 2 + 1
    if not quorate:
        text = (
            f"应到会有表决权的党员 {voting_expected} 名，实到 {voting_present} 名，"
            f"未超过半数（至少 {need_present} 名），不能进行表决"
        )
    else:
        text = (
            f"应到会有表决权的党员 {voting_expected} 名，实到 {voting_present} 名；赞成 {yes} 票，"
            f"{'超过' if passed else '未超过'}应到会有表决权党员的半数（至少 {need_present} 票），"
            f"{'通过' if passed else '未通过'}"
        )
    return Decision(quorate, passed, text)


def record_vote(actor, meeting: Meeting, *, motion: str, yes: int, no: int, abstain: int):
    """Record a vote taken at the meeting; the counts of voting members come from attendance."""

    motion = (motion or "").strip()
    errors = {}
    if not motion:
        errors["motion"] = "请填写表决事项"
    elif len(motion) > 200:
        errors["motion"] = "表决事项不能超过 200 个字"
    if any(n is None or n < 0 for n in (yes, no, abstain)):
        errors["yes"] = "票数应为不小于 0 的整数"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = services.locked(meeting)
        services.require_manage(actor, meeting.org)
        services.require_open(meeting)
        voters = meeting.attendees.filter(role=Role.MEMBER)
        expected = voters.count()
        present = voters.filter(presence=Presence.PRESENT).count()
        if yes + no + abstain > present:
            raise ValidationError(
                {
                    "yes": f"赞成、反对、弃权合计 {yes + no + abstain} 票，多于实到会有表决权的党员 {present} 名"
                }
            )
        result = decide(expected, present, yes)
        vote = Vote.objects.create(
            meeting=meeting,
            motion=motion,
            yes=yes,
            no=no,
            abstain=abstain,
            voting_expected=expected,
            voting_present=present,
            quorate=result.quorate,
            passed=result.passed,
            recorded_by=actor,
        )
        audit.record(
            actor,
            "life.vote",
            meeting,
            after={
                "motion": motion,
                "yes": yes,
                "no": no,
                "abstain": abstain,
                "passed": vote.passed,
            },
        )
    return vote
