"""发展党员 cases over the API: scoped like the pages; notes and assessments stay on the pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.api.tests.helpers import ids
from dangqun.development import opening, recording

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(world, make_user):
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


@pytest.fixture
def case(world, secretary):
    case = opening.open_case(secretary, world.wang, world.branch_a, dt.date(2023, 1, 10))
    recording.record_step(secretary, case, 2, dt.date(2023, 1, 20), {"note": "谈话记录"})
    return case


@pytest.mark.parametrize(
    "who, listed, detail",
    [
        ("secretary", True, 200),
        ("owner", True, 200),  # the 党委 above
        ("reader", True, 200),  # the leader reads
        ("outsider", False, 404),  # another company's 党委
        ("member", False, 404),  # 张三: not his case
    ],
)
def test_who_reads_which_cases(world, api, secretary, case, who, listed, detail):
    user = secretary if who == "secretary" else getattr(world, who)
    client = api(user)
    assert (case.pk in ids(client.get("/api/development/cases/"))) == listed
    assert client.get(f"/api/development/cases/{case.pk}/").status_code == detail


def test_anonymous_callers_and_writes_are_refused(world, api, case):
    assert api(None).get("/api/development/cases/").status_code in (401, 403)
    assert api(world.owner).post("/api/development/cases/", {}).status_code == 405
    assert api(world.owner).delete(f"/api/development/cases/{case.pk}/").status_code == 405


def test_a_case_reads_its_stage_steps_and_next_deadline_but_not_the_file(
    world, api, case, make_user
):
    data = api(world.owner).get(f"/api/development/cases/{case.pk}/").json()
    assert data["person_name"] == "王五" and data["branch_name"] == "甲公司综合部党支部"
    assert (data["step"], data["step_name"], data["stage"]) == (2, "党组织派人谈话", 1)
    assert data["next_due"] == "" and data["probation_ends"] is None
    assert [s["name"] for s in data["steps"]] == ["递交入党申请书", "党组织派人谈话"]
    assert "谈话记录" not in str(data)  # notes and assessments stay on the pages
    own = api(make_user("wang", person=world.wang)).get(f"/api/development/cases/{case.pk}/")
    assert own.status_code == 200  # the applicant reads their own


def test_filters(world, api, secretary, case):
    client = api(world.owner)
    assert ids(client.get("/api/development/cases/", {"stage": 1})) == [case.pk]
    assert ids(client.get("/api/development/cases/", {"stage": 2})) == []
    assert ids(client.get("/api/development/cases/", {"status": "active"})) == [case.pk]
    assert ids(client.get("/api/development/cases/", {"org": world.branch_b.pk})) == []
    assert ids(client.get("/api/development/cases/", {"overdue": 1})) == []  # talk done


def test_the_list_does_not_query_per_case(world, api, secretary, case):
    from dangqun.people import services as people

    client = api(world.owner)
    client.get("/api/development/cases/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/development/cases/")
    for n, number in enumerate(["110105199501010017", "11010519960202002X"]):
        person = people.create_person(
            None,
            {
                "employee_no": f"A02{n}",
                "name": f"申请人{n}",
                "unit": world.dept_a,
                "id_number": number,
            },
        )
        opening.open_case(secretary, person, world.branch_a, dt.date(2023, 1, 10))
    with CaptureQueriesContext(connection) as three:
        client.get("/api/development/cases/")
    assert len(three) == len(one)
