"""A case through the steps with sensible dates: 王五 (not a member, born 1992) applies to company
A's 综合部党支部 on 10 January 2023; the branch secretary records the branch's steps and company
A's 党委 (its party admin, ``world.owner``) the approving 党委's."""

import datetime as dt

import pytest

from dangqun.development import opening, recording, votes

D = dt.date
# step → date, for a case that goes by the book
DATES = {
    1: D(2023, 1, 10),
    2: D(2023, 1, 20),
    3: D(2023, 3, 1),
    4: D(2023, 3, 5),
    5: D(2023, 3, 6),
    6: D(2023, 9, 1),
    7: D(2024, 3, 10),
    8: D(2024, 3, 12),
    9: D(2024, 3, 15),
    10: D(2024, 4, 1),
    11: D(2024, 4, 10),
    12: D(2024, 5, 1),
    13: D(2024, 5, 10),
    14: D(2024, 5, 15),
    15: D(2024, 5, 20),
    16: D(2024, 6, 1),
    17: D(2024, 6, 15),
    18: D(2024, 6, 20),
    19: D(2024, 6, 25),
    20: D(2024, 7, 1),
    21: D(2024, 12, 1),
    22: D(2025, 5, 1),
    23: D(2025, 5, 20),
    24: D(2025, 6, 1),
    25: D(2025, 6, 10),
}
VOTE = {"expected": 3, "present": 3, "written": 0, "yes": 3, "no": 0, "abstain": 0}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def secretary(world, make_user):
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


@pytest.fixture
def zhou(world):
    """A second full member of the branch, to introduce."""
    from dangqun.people import services as people

    return people.create_person(
        None,
        {
            "employee_no": "A0009",
            "name": "周七",
            "unit": world.dept_a,
            "id_number": "110105198001010016",
        },
        {"branch": world.branch_a, "joined_on": D(2010, 7, 1), "full_member_on": D(2011, 7, 1)},
    )


@pytest.fixture
def case(world, secretary):
    return opening.open_case(secretary, world.wang, world.branch_a, DATES[1])


@pytest.fixture
def walk(world, secretary, zhou):
    """``walk(case, upto)``: record the steps after the case's last one up to ``upto``."""

    def data(number):
        return {
            5: {"people": [world.zhang]},
            9: {"people": [world.zhang, zhou]},
            10: {"conclusion": "政治历史清白，现实表现良好", "qualified": True},
            11: {"days": 3, "hours": 24},
            17: {"approved": True},
            24: {"approved": True},
        }.get(number, {})

    def walk(case, upto):
        case.refresh_from_db()
        for number in range(case.step + 1, upto + 1):
            actor = world.owner if number in (4, 8, 13, 16, 17, 18, 24) else secretary
            if number in (6, 21):
                votes.assess(actor, case, DATES[number], "表现良好")
            elif number in (15, 23):
                votes.record_vote(actor, case, number, held_on=DATES[number], **VOTE)
            else:
                recording.record_step(actor, case, number, DATES[number], data(number))
            case.refresh_from_db()
        return case

    return walk
