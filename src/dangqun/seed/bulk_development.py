"""发展党员 for the large data set: 20,000 cases across the 25 steps under the party tree, for
measuring the pipeline board at the size of a real group.

The applicants are people who are not party members, work in a unit of a branch (the branch's own
unit or one a joint branch covers) and were 18 or older on the day they applied; each has one case,
in that branch. Many cases are early (an application awaiting its talk, 积极分子 in their year of
培养教育), fewer late; some are closed, some 预备党员, some full members.

The dates obey what the services check (``checks.refusals``): the talk within a month of the
application, an assessment at least every six months from 确定积极分子 to the 支委会 (and through
probation), twelve months between 积极分子 and 发展对象, 培养联系人 and 入党介绍人 who are full members of
the branch on the day, a favourable 政审 and three days of training, the 支部大会 votes counted by
the rule, approvals within three months of the vote, the 转正 vote on the day the probation ends.
Committee steps are recorded for the approving 党委 (the nearest ancestor with
``approves_members``). ``Case.step``, ``next_due_on`` and ``next_due`` are what the services would
keep: ``checks.deadlines`` on the case's facts, built in memory. Only in the recent past, some
assessments or approvals are late, so the board has something overdue to show.

The people's party profiles are **not** updated: the bulk cases exist to measure the board, and the
generated members stay as they are (an applicant admitted here is still 群众 in 人员信息). The steps
are recorded by one system user, ``bulk_seed``, who cannot log in. The local 公示 preset
(``development.publicity``, off by default) is not honoured. Rows go in with COPY on PostgreSQL, a
thousand cases per transaction; the same seed and day give the same cases.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.core.bulk import insert_dicts
from dangqun.core.dates import years_between
from dangqun.development import checks
from dangqun.development.models import (
    Assessment,
    BranchVote,
    Case,
    Helper,
    StepRecord,
)
from dangqun.development.steps import COMMITTEE, STEPS
from dangqun.life.voting import decide
from dangqun.orgs.models import BRANCH_KINDS, Org
from dangqun.people.models import PARTY_STATUSES, PartyProfile, Person
from dangqun.seed.development_timeline import OUTCOMES, PlannedCase, plan_case

CASES_PER_BATCH = 1000
ACTOR = "bulk_seed"
REVIEW = "经函调和查阅档案，本人及主要社会关系政治历史清白，政治审查合格"
ASSESSMENTS = (
    "思想上积极要求进步，认真学习党的理论，工作表现良好",
    "能够按时参加党组织安排的学习活动，在本职岗位上发挥了骨干作用",
    "考察期内表现较好，希望进一步加强理论学习，主动向党组织汇报思想",
)


def seed_bulk_development(
    root: Org,
    *,
    cases: int = 20000,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Open ``cases`` cases in the branches under the party tree ``root``; returns how many were
    made (fewer when there are not enough applicants)."""
    progress = progress or (lambda message: None)
    rng = random.Random(f"{seed}:bulk-development")  # noqa: S311 (demo data, not secrets)
    today = today or timezone.localdate()
    world = _World.load(root)
    pool = deque(world.applicants)
    rng.shuffle(pool)
    actor = bulk_actor()
    outcomes = [(status, step) for status, step, _ in OUTCOMES]
    weights = [weight for _, _, weight in OUTCOMES]
    planned: list[PlannedCase] = []
    written = 0
    for index in range(cases):
        status, last = rng.choices(outcomes, weights)[0]
        case = plan_case(random.Random(f"{seed}:case:{index}"), status, last, today)  # noqa: S311
        if not _cast(case, pool, world):
            break  # no applicant left
        planned.append(case)
        if len(planned) == CASES_PER_BATCH:
            written += _write(planned, actor)
            planned = []
            progress(f"发展党员 {written:,}/{cases:,} 件")
    if planned:
        written += _write(planned, actor)
        progress(f"发展党员 {written:,}/{cases:,} 件")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Case, StepRecord, Helper, Assessment, BranchVote):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return written


@dataclass
class _World:
    """The branches under the tree, what each needs, and who may apply."""

    approver: dict[int, int | None]  # branch -> its approving 党委
    members: dict[int, list[tuple[dt.date, int, str]]]  # branch -> (full member on, pk, name)
    applicants: list[tuple[int, int, dt.date]]  # (person, branch, birth date), by pk

    @classmethod
    def load(cls, root: Org) -> _World:
        branches = list(
            Org.objects.filter(
                path__startswith=root.path, kind__in=BRANCH_KINDS, dissolved_on__isnull=True
            ).values_list("pk", "path", "unit_id")
        )
        approvers = dict(
            Org.objects.filter(approves_members=True, dissolved_on__isnull=True).values_list(
                "path", "pk"
            )
        )
        step = Org.steplen
        approver = {
            pk: next(
                (
                    approvers[path[:end]]
                    for end in range(len(path) - step, 0, -step)
                    if path[:end] in approvers
                ),
                None,
            )
            for pk, path, _ in branches
        }
        # A unit's branch: its own, or the joint branch covering it (the first by path).
        hosted = [(path, unit, pk) for pk, path, unit in branches if unit]
        hosted += Org.covered_units.through.objects.filter(
            from_org__path__startswith=root.path,
            from_org__kind__in=BRANCH_KINDS,
            from_org__dissolved_on__isnull=True,
        ).values_list("from_org__path", "to_org_id", "from_org_id")
        branch_of = {}
        for _, unit, pk in sorted(hosted):
            branch_of.setdefault(unit, pk)
        members = defaultdict(list)
        for row in PartyProfile.objects.filter(
            branch__path__startswith=root.path,
            full_member_on__isnull=False,
            left_on__isnull=True,
        ).values_list("branch_id", "full_member_on", "person_id", "person__name"):
            members[row[0]].append(row[1:])
        for rows in members.values():
            rows.sort()
        people = (
            Person.objects.filter(employment_status="active", birth_date__isnull=False)
            .exclude(political_status__in=PARTY_STATUSES)
            .exclude(pk__in=Case.objects.values("person_id"))
            .order_by("pk")
            .values_list("pk", "unit_id", "birth_date")
        )
        applicants = [(pk, branch_of[unit], born) for pk, unit, born in people if unit in branch_of]
        return cls(approver, members, applicants)

    def full_members(self, branch: int, on: dt.date) -> list[tuple[dt.date, int, str]]:
        rows = self.members.get(branch, [])
        return rows[: bisect.bisect_right(rows, (on, float("inf"), ""))]


def bulk_actor() -> User:
    user, created = User.objects.get_or_create(
        username=ACTOR, defaults={"first_name": "批量生成", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _cast(case: PlannedCase, pool: deque, world: _World) -> bool:
    """Give the case an applicant from the pool: 18 on the day of the application, in a branch
    with an approving 党委 (when the case reaches its steps) and the full members it needs as
    培养联系人 and 入党介绍人 on the day. People who do not fit are passed over."""
    on = case.on
    committee = any(STEPS[n].by == COMMITTEE for n in on)
    while pool:
        person, branch, born = pool.popleft()
        if years_between(born, on[1]) < 18:
            continue
        approver = world.approver.get(branch)
        if committee and approver is None:
            continue
        r = random.Random(f"{person}:{on[1]}")  # noqa: S311
        helpers = []
        if 5 in on:
            eligible = world.full_members(branch, on[5])
            if not eligible:
                continue
            chosen = r.sample(eligible, min(len(eligible), r.choice((1, 1, 2))))
            helpers += [(Helper.Role.CONTACT, pk, name, on[5]) for _, pk, name in chosen]
        if 9 in on:
            eligible = world.full_members(branch, on[9])
            if len(eligible) < 2:
                continue
            chosen = r.sample(eligible, 2)
            helpers += [(Helper.Role.INTRODUCER, pk, name, on[9]) for _, pk, name in chosen]
        case.person, case.branch, case.approver, case.helpers = person, branch, approver, helpers
        case.votes = [
            _vote(r, step, on[step], len(world.full_members(branch, on[step])))
            for step in (15, 23)
            if step in on
        ]
        _keep_due(case)
        return True
    return False


def _vote(r: random.Random, step: int, held_on: dt.date, expected: int) -> dict:
    """A 支部大会 vote that passes (development.branch_vote, counted by ``life.voting.decide``)."""
    absent = r.randint(0, expected // 4)
    written = min(absent, r.choice((0, 0, 1)))
    present = expected - absent
    no = int(present + written >= 5 and r.random() < 0.2)
    abstain = int(present + written >= 5 and r.random() < 0.1)
    yes = present + written - no - abstain
    decision = decide(expected, present, yes)
    if not decision.passed:  # a small branch: everyone came and voted yes
        present, written, no, abstain, yes = expected, 0, 0, 0, expected
        decision = decide(expected, present, yes)
    return {
        "step": step,
        "held_on": held_on,
        "voting_expected": expected,
        "voting_present": present,
        "written": written,
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "quorate": decision.quorate,
        "passed": decision.passed,
        "explanation": decision.explanation,
    }


def _keep_due(case: PlannedCase) -> None:
    """The nearest open deadline, as ``bookkeeping.keep_due`` stores it: ``checks.deadlines`` on the
    case's facts, built in memory."""
    facts = checks.Facts(
        _case(case),
        {n: StepRecord(number=n, done_on=day) for n, day in case.on.items()},
        [],
        [Assessment(step=step, done_on=day) for step, day in case.assessments],
    )
    due = checks.deadlines(facts)
    case.next_due_on = due[0].due_on if due else None
    case.next_due = due[0].what if due else ""


def _case(case: PlannedCase) -> Case:
    return Case(
        applied_on=case.on[1],
        status=case.status,
        step=max(case.on),
        admitted_on=case.on.get(15),
        extension_months=case.extension,
    )


# Writing -------------------------------------------------------------------------------------
def _write(planned: list[PlannedCase], actor: User) -> int:
    with transaction.atomic():
        ids = insert_dicts(
            Case,
            [
                {
                    "person_id": case.person,
                    "branch_id": case.branch,
                    "applied_on": case.on[1],
                    "status": case.status,
                    "step": max(case.on),
                    "admitted_on": case.on.get(15),
                    "extension_months": case.extension,
                    "next_due_on": case.next_due_on,
                    "next_due": case.next_due,
                    "closed_on": case.closed_on,
                    "closed_reason": case.closed_reason,
                    "created_at": _at(case.on[1]),
                }
                for case in planned
            ],
        )
        votes = [(pk, vote) for pk, case in zip(ids, planned, strict=True) for vote in case.votes]
        vote_ids = insert_dicts(
            BranchVote,
            [
                {
                    **{k: v for k, v in vote.items() if k != "explanation"},
                    "case_id": pk,
                    "meeting_id": None,
                    "actor_id": actor.pk,
                    "recorded_at": _at(vote["held_on"]),
                }
                for pk, vote in votes
            ],
        )
        voted = {
            (pk, vote["step"]): (vote_pk, vote["explanation"])
            for (pk, vote), vote_pk in zip(votes, vote_ids, strict=True)
        }
        records, helpers, assessments = [], [], []
        for pk, case in zip(ids, planned, strict=True):
            for number, day in sorted(case.on.items()):
                note, details = _details(case, number)
                if (pk, number) in voted:
                    vote_pk, note = voted[pk, number]
                    details = {"vote": vote_pk}
                records.append(
                    {
                        "case_id": pk,
                        "number": number,
                        "done_on": day,
                        "org_id": case.approver if STEPS[number].by == COMMITTEE else case.branch,
                        "actor_id": actor.pk,
                        "note": note,
                        "details": details,
                        "recorded_at": _at(day),
                    }
                )
            helpers += [
                {"case_id": pk, "person_id": person, "role": role, "since": since}
                for role, person, _, since in case.helpers
            ]
            assessments += [
                {
                    "case_id": pk,
                    "step": step,
                    "done_on": day,
                    "text": ASSESSMENTS[(pk + i) % len(ASSESSMENTS)],
                    "actor_id": actor.pk,
                }
                for i, (step, day) in enumerate(case.assessments)
            ]
        insert_dicts(StepRecord, records)
        insert_dicts(Helper, helpers)
        insert_dicts(Assessment, assessments)
    return len(planned)


def _details(case: PlannedCase, number: int) -> tuple[str, dict]:
    """The note and what the step decided, as ``recording._details`` records them."""
    if number == 1:
        return "本人递交入党申请书", {}
    if number in (5, 9):
        role = Helper.Role.CONTACT if number == 5 else Helper.Role.INTRODUCER
        return "", {"people": [name for r, _, name, _ in case.helpers if r == role]}
    if number == 10:
        return "", {"conclusion": REVIEW, "qualified": True}
    if number == 11:
        return "", {"days": 3, "hours": 24}
    if number in case.approved:
        return "", {"approved": case.approved[number]}
    return "", {}


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17, 0), tzinfo=timezone.get_current_timezone())
