"""The large data set's 发展党员: cases in all stages whose stored step and next deadline are what
the services would keep, and whose dates break none of the rules the services check."""

from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db.models import Count

from dangqun.accounts.models import User
from dangqun.core.dates import months_later
from dangqun.development import checks, services
from dangqun.development.models import OPEN, BranchVote, Case, Helper, Status
from dangqun.development.steps import COMMITTEE, STEPS, VOTES, stage_of
from dangqun.life.voting import decide
from dangqun.people.models import PARTY_STATUSES, PartyProfile

pytestmark = pytest.mark.django_db

CASES = 400


def test_bulk_cases_keep_the_rules_and_their_deadlines():
    call_command("seed", "--scale", "small", "--seed", "4")
    demo = set(Case.objects.values_list("pk", flat=True))  # the demo branch's four
    profiles = list(PartyProfile.objects.order_by("pk").values_list())
    call_command("seed_development", "--cases", str(CASES), "--seed", "4")
    assert list(PartyProfile.objects.order_by("pk").values_list()) == profiles  # left alone
    actor = User.objects.get(username="bulk_seed")
    assert not actor.has_usable_password() and not actor.is_active
    cases = list(
        Case.objects.exclude(pk__in=demo)
        .select_related("person", "branch")
        .prefetch_related("records", "votes")
        .order_by("pk")
    )
    assert len(cases) == CASES
    statuses = Counter(case.status for case in cases)
    assert set(statuses) == set(Status) and statuses[Status.ACTIVE] > CASES / 2
    open_stages = {stage_of(case.step) for case in cases if case.is_open}
    assert open_stages == {1, 2, 3, 4, 5}
    done = Counter(record.number for case in cases for record in case.records.all())
    assert set(done) == set(STEPS) and done[1] > done[7] > done[25]

    # one open case per person, and applicants who are not members, from the branch's units
    per_person = Case.objects.filter(status__in=OPEN).values("person").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_person) == 1
    assert len({case.person_id for case in cases}) == CASES
    for case in cases:
        units = {case.branch.unit_id, *case.branch.covered_units.values_list("pk", flat=True)}
        assert case.person.unit_id in units
        assert case.person.political_status not in PARTY_STATUSES
        assert checks.can_apply(case.person, case.applied_on) == []  # 18 on the day

    approver = {}
    for case in cases:
        facts = checks.Facts.of(case)
        on = {n: r.done_on for n, r in facts.records.items()}
        # what the services store for the board
        due = checks.deadlines(facts)
        assert case.next_due_on == (due[0].due_on if due else None), case.pk
        assert case.next_due == (due[0].what if due else "")
        assert case.step == max(on) and on[1] == case.applied_on
        assert case.admitted_on == on.get(15)
        # the rules, one by one
        if 2 in on:
            assert on[2] <= months_later(on[1], 1)
        if 7 in on:
            assert on[7] >= months_later(on[3], 12)
        for vote, approval in ((15, 17), (23, 24)):
            if approval in on:
                assert on[approval] <= months_later(on[vote], 3)
        if 23 in on:
            assert on[23] == checks.probation_ends(case)
        for first, until, step in ((3, 12, 6), (17, 22, 21)):
            if first in on:  # an assessment at least every six months until the step is done
                days = [on[first], *(a.done_on for a in facts.assessments if a.step == step)]
                end = on.get(until) or case.closed_on  # open: today's may be late, shown as such
                days += [end] if end else []
                assert all(b <= months_later(a, 6) for a, b in pairwise(days)), case.pk
        if case.branch_id not in approver:
            approver[case.branch_id] = services.approving_org(case.branch)
        for record in facts.records.values():
            committee = STEPS[record.number].by == COMMITTEE
            assert record.org_id == (approver[case.branch_id].pk if committee else case.branch_id)
            assert record.actor_id == actor.pk
        _replay(case, facts)
        _votes(case, on)
        helpers = Counter(h.role for h in facts.helpers)
        assert (1 <= helpers[Helper.Role.CONTACT] <= 2) == (5 in on)
        assert helpers[Helper.Role.INTRODUCER] == (2 if 9 in on else 0)
        if case.status == Status.CLOSED:
            assert case.closed_on >= max(on.values()) and case.closed_reason
        elif 24 in on:
            assert case.status == Status.FULL
        elif 17 in on:
            assert case.status == Status.PROBATIONARY


def _replay(case, facts):
    """Every step, in the order done, is one the services would have accepted that day."""
    status = Status.ACTIVE
    replay = checks.Facts(
        Case(
            pk=case.pk,
            person=case.person,
            branch=case.branch,
            applied_on=case.applied_on,
            admitted_on=case.admitted_on,
            extension_months=case.extension_months,
        )
    )
    people = defaultdict(list)
    for helper in facts.helpers:
        people[5 if helper.role == Helper.Role.CONTACT else 9].append(helper.person)
    for record in sorted(facts.records.values(), key=lambda r: (r.done_on, r.number)):
        replay.case.status = status
        data = {
            "people": people.get(record.number),
            "conclusion": record.details.get("conclusion"),
            "qualified": record.details.get("qualified"),
        }
        if record.number > 1:
            refused = checks.refusals(replay, record.number, record.done_on, data)
            assert refused == [], (case.pk, record.number, [f.text for f in refused])
        replay.records[record.number] = record
        if record.number in (17, 24) and not record.details["approved"]:
            status = Status.CLOSED
        elif record.number == 17:
            status = Status.PROBATIONARY
        elif record.number == 24:
            status = Status.FULL
    for helper in facts.helpers:  # full members of the branch on the day
        profile = PartyProfile.objects.get(person=helper.person)
        assert profile.branch_id == case.branch_id and profile.is_full_member(helper.since)


def _votes(case, on):
    votes = {vote.step: vote for vote in case.votes.all()}
    assert set(votes) == {n for n in VOTES if n in on}
    for step, vote in votes.items():
        decision = decide(vote.voting_expected, vote.voting_present, vote.yes)
        assert (vote.quorate, vote.passed) == (decision.quorate, decision.passed) == (True, True)
        assert vote.voting_present + vote.written <= vote.voting_expected
        assert vote.yes + vote.no + vote.abstain <= vote.voting_present + vote.written
        assert vote.held_on == on[step]
        record = case.records.get(number=step)
        assert record.details == {"vote": vote.pk} and record.note == decision.explanation
        full = PartyProfile.objects.filter(
            branch=case.branch, full_member_on__lte=vote.held_on, left_on__isnull=True
        )
        assert vote.voting_expected == full.count()
    assert BranchVote.objects.filter(case=case, passed=False).count() == 0
