"""发展党员 for the demo: four people of the demo branch's unit at different stages — an
application awaiting its talk, an 积极分子 in training, a 发展对象 ready for the 支委会, and a
预备党员 — recorded through the services by the branch secretary and the 党委, with dates that
follow the rules, so the board and the timelines have something true to show."""

from __future__ import annotations

import datetime as dt

from dangqun.accounts.models import User
from dangqun.development import opening, recording, votes
from dangqun.orgs.models import Org
from dangqun.people.models import PARTY_STATUSES, Person

# days before today of each step, for each demo case (the last key is the step it stops at)
PLANS = [
    {1: 20},
    {1: 400, 2: 390, 3: 330, 4: 325, 5: 320, 6: 150},
    {1: 800, 2: 790, 3: 740, 4: 735, 5: 730, 6: 560, 7: 300, 8: 295, 9: 290, 10: 200, 11: 150},
    {
        **{1: 1200, 2: 1190, 3: 1130, 4: 1125, 5: 1120, 6: 950, 7: 700, 8: 695, 9: 690},
        **{10: 600, 11: 560, 12: 520, 13: 515, 14: 510, 15: 500, 16: 480, 17: 420, 18: 410},
        **{19: 405, 20: 400, 21: 200},
    },
]
VOTE = {"written": 0, "no": 0, "abstain": 0}


def seed_demo_development(branch: Org, secretary: User, committee: User, today: dt.date) -> int:
    """Open the demo cases; returns how many. Skipped when the branch has too few members."""
    members = list(
        Person.objects.filter(
            party_profile__branch=branch,
            party_profile__full_member_on__isnull=False,
            party_profile__left_on__isnull=True,
        ).order_by("employee_no")[:3]
    )
    applicants = list(
        Person.objects.filter(unit__in=_units(branch), birth_date__isnull=False)
        .exclude(political_status__in=PARTY_STATUSES)
        .exclude(birth_date__gt=today - dt.timedelta(days=365 * 20))
        .order_by("employee_no")[: len(PLANS)]
    )
    if len(members) < 2 or len(applicants) < len(PLANS):
        return 0
    voters = len(members) + 2
    for person, plan in zip(applicants, PLANS, strict=True):

        def on(number, plan=plan):
            return today - dt.timedelta(days=plan[number])

        case = opening.open_case(secretary, person, branch, on(1), "本人递交入党申请书")
        for number in sorted(plan)[1:]:
            actor = committee if number in (4, 8, 13, 16, 17, 18, 24) else secretary
            if number in (6, 21):
                votes.assess(actor, case, on(number), "思想上积极要求进步，工作表现良好")
            elif number in (15, 23):
                votes.record_vote(
                    actor,
                    case,
                    number,
                    held_on=on(number),
                    expected=voters,
                    present=voters,
                    yes=voters,
                    **VOTE,
                )
            else:
                recording.record_step(actor, case, number, on(number), _data(number, members))
    return len(PLANS)


def _data(number: int, members: list[Person]) -> dict:
    return {
        5: {"people": members[:1]},
        9: {"people": members[:2]},
        10: {"conclusion": "经函调和查阅档案，本人及主要社会关系政治历史清白", "qualified": True},
        11: {"days": 3, "hours": 24},
        17: {"approved": True},
    }.get(number, {})


def _units(branch: Org):
    units = [branch.unit_id] if branch.unit_id else []
    units += list(branch.covered_units.values_list("pk", flat=True))
    return Org.objects.filter(pk__in=units)
