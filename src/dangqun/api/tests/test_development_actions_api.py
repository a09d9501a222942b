"""发展党员 actions and figures over the API: every endpoint and method for each kind of caller
(the permission matrix), steps recorded through the same table as the pages (audited, refused
with the rule's citation in Chinese), and pinned query counts for the board, the plan and a case."""

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from PIL import Image

from dangqun.accounts.services import create_token
from dangqun.core.models import AuditLog
from dangqun.development import actions, opening, recording, votes
from dangqun.development.models import Case, CaseFile, Quota, StepRecord
from dangqun.development.tests.conftest import DATES, VOTE
from dangqun.people import services as people
from dangqun.wsgi import application

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "outsider", "reader", "owner"]
NEW_APPLICANT = "A0020"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def secretary(world, make_user):
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


@pytest.fixture
def applicant(world):
    """Someone in company A who has not applied yet."""
    return people.create_person(
        None,
        {
            "employee_no": NEW_APPLICANT,
            "name": "钱七",
            "unit": world.dept_a,
            "id_number": "110105199501010017",
        },
    )


@pytest.fixture
def case(world, secretary, applicant):
    """王五's case, the talk done (step ②)."""
    case = opening.open_case(secretary, world.wang, world.branch_a, DATES[1])
    return recording.record_step(secretary, case, 2, DATES[2])


@pytest.fixture
def zhou(world):
    return people.create_person(
        None,
        {
            "employee_no": "A0009",
            "name": "周七",
            "unit": world.dept_a,
            "id_number": "110105198001010016",
        },
        {"branch": world.branch_a, "joined_on": dt.date(2010, 7, 1), "full_member_on": DATES[1]},
    )


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    url: Any  # (world, case) -> str
    body: Any = None  # world -> dict
    expected: tuple[int, ...] = (401, 404, 404, 200, 200)  # in the order of ROLES


def _cases(w, c):
    return f"/api/development/cases/{c.pk}/"


CALLS = [
    Call(
        "board",
        "get",
        lambda w, c: f"/api/development/board/?org={w.committee_a.pk}",
        expected=(401, 403, 404, 200, 200),
    ),
    Call(
        "board (own organisation)",
        "get",
        lambda w, c: "/api/development/board/",
        expected=(401, 403, 200, 200, 200),
    ),
    Call(
        "board write (read-only)",
        "post",
        lambda w, c: "/api/development/board/",
        lambda w: {},
        (401, 405, 405, 405, 405),
    ),
    Call(
        "plan",
        "get",
        lambda w, c: f"/api/development/plans/?org={w.committee_a.pk}&year=2024",
        expected=(401, 403, 404, 200, 200),
    ),
    Call(
        "plan quota",
        "post",
        lambda w, c: f"/api/development/plans/?org={w.committee_a.pk}&year=2024",
        lambda w: {"quota": 5, "note": "年度计划"},
        (401, 403, 404, 403, 200),
    ),
    Call("case detail", "get", _cases),
    Call("case replace (never)", "put", _cases, lambda w: {}, (401, 405, 405, 405, 405)),
    Call("case delete (never)", "delete", _cases, expected=(401, 405, 405, 405, 405)),
    Call(
        "open a case",
        "post",
        lambda w, c: "/api/development/cases/open/",
        lambda w: {
            "branch": w.branch_a.pk,
            "employee_no": NEW_APPLICANT,
            "applied_on": "2023-02-01",
        },
        # the outsider registers in company B: company A's branch is not a choice → 400
        (401, 403, 400, 403, 201),
    ),
    Call(
        "open (read)",
        "get",
        lambda w, c: "/api/development/cases/open/",
        expected=(401, 405, 405, 405, 405),
    ),
    Call(
        "record a step",
        "post",
        lambda w, c: f"{_cases(w, c)}step/",
        lambda w: {"number": 3, "on": "2023-03-01", "note": "支委会推荐"},
        (401, 404, 404, 403, 200),
    ),
    Call(
        "vote (steps missing)",
        "post",
        lambda w, c: f"{_cases(w, c)}vote/",
        lambda w: {"step": 15, "held_on": "2023-03-01", **VOTE},
        (401, 404, 404, 403, 400),
    ),
    Call(
        "assess (not yet an 积极分子)",
        "post",
        lambda w, c: f"{_cases(w, c)}assess/",
        lambda w: {"on": "2023-03-01", "text": "表现良好"},
        (401, 404, 404, 403, 400),
    ),
    Call(
        "extend (not a 预备党员)",
        "post",
        lambda w, c: f"{_cases(w, c)}extend/",
        lambda w: {"months": 6, "on": "2023-03-01", "reason": "需继续考察"},
        (401, 404, 404, 403, 400),
    ),
    Call(
        "close",
        "post",
        lambda w, c: f"{_cases(w, c)}close/",
        lambda w: {"on": "2023-03-01", "reason": "本人撤回申请"},
        (401, 404, 404, 403, 200),
    ),
    Call(
        "files (none sent)",
        "post",
        lambda w, c: f"{_cases(w, c)}files/",
        lambda w: {"number": 2},
        (401, 404, 404, 403, 400),
    ),
    Call(
        "an action read",
        "get",
        lambda w, c: f"{_cases(w, c)}close/",
        expected=(401, 405, 405, 405, 405),
    ),
    Call(
        "an unknown action",
        "post",
        lambda w, c: f"{_cases(w, c)}publish/",
        lambda w: {},
        (404, 404, 404, 404, 404),
    ),
]


def _user(world, role):
    return None if role == "anonymous" else getattr(world, role)


def _counts():
    return (
        Case.objects.count(),
        StepRecord.objects.count(),
        Quota.objects.count(),
        CaseFile.objects.count(),
        list(Case.objects.values_list("status", "step")),
    )


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, api, case, call, role):
    user = _user(world, role)
    before, audit_before = _counts(), AuditLog.objects.count()
    client = api(user)
    url = call.url(world, case)
    if call.method in ("get", "delete"):
        response = getattr(client, call.method)(url)
    else:
        response = getattr(client, call.method)(url, call.body(world) if call.body else {})

    expected = call.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content.decode()
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == "Token"
    if expected >= 400 and call.method != "get":
        # a refused write changes nothing (the token made for the caller is the only audit row)
        assert _counts() == before
        assert AuditLog.objects.count() == audit_before + (user is not None)
    if expected in (400, 403) or (expected == 404 and user is not None and "publish" not in url):
        assert response.json()  # a Chinese reason, not an empty body


def test_a_step_through_the_api_is_audited_and_moves_the_case(world, api, case, secretary):
    response = api(secretary).post(
        f"/api/development/cases/{case.pk}/step/",
        {"number": 3, "on": "2023-03-01", "note": "支委会推荐"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["step"], body["step_name"], body["stage"]) == (3, "推荐和确定入党积极分子", 2)
    assert [s["number"] for s in body["steps"]] == [1, 2, 3]
    # what comes next: ④ by the 党委 (not the secretary's), ⑤ by the branch
    following = {s["number"]: s for s in body["next_steps"]}
    assert set(following) == {4, 5}
    assert following[4]["by"] == "committee" and not following[4]["may"]
    assert following[5]["may"] and following[5]["rule"]["id"] == "development.contacts"
    assert body["allowed"]["steps"] == [5]
    case.refresh_from_db()
    assert case.step == 3 and case.records.get(number=3).note == "支委会推荐"
    row = AuditLog.objects.filter(action="development.step").latest("pk")
    assert row.actor == secretary and row.after["step"] == 3


def test_a_step_with_people_and_a_too_early_step_cite_their_rules(
    world, api, case, secretary, zhou
):
    client = api(secretary)
    url = f"/api/development/cases/{case.pk}/step/"
    assert client.post(url, {"number": 3, "on": "2023-03-01"}).status_code == 200
    recording.record_step(world.owner, case, 4, DATES[4])
    one = client.post(url, {"number": 5, "on": "2023-03-06", "people": [world.zhang.pk]})
    assert one.status_code == 200, one.json()
    assert [h.person for h in Case.objects.get(pk=case.pk).helpers.all()] == [world.zhang]
    votes.assess(secretary, case, DATES[6], "表现良好")
    # 确定发展对象 six months after becoming an 积极分子: a year is the rule
    early = client.post(url, {"number": 7, "on": "2023-09-02"})
    assert early.status_code == 400
    [message] = early.json()["non_field_errors"]
    assert "确定为入党积极分子至今 6 个月" in message and "依据：" in message
    assert "第十三条" in message
    assert Case.objects.get(pk=case.pk).step == 6


def test_the_detail_shows_what_would_refuse_the_next_step(world, api, case, secretary, zhou):
    recording.record_step(secretary, case, 3, DATES[3])
    recording.record_step(world.owner, case, 4, DATES[4])
    recording.record_step(secretary, case, 5, DATES[5], {"people": [zhou]})
    today = dt.date.today()
    votes.assess(secretary, case, today, "表现良好")  # step ⑥ done today
    Case.objects.filter(pk=case.pk).update(applied_on=today - dt.timedelta(days=90))
    StepRecord.objects.filter(case=case, number=3).update(done_on=today - dt.timedelta(days=40))
    body = api(secretary).get(f"/api/development/cases/{case.pk}/").json()
    [nxt] = body["next_steps"]
    assert (nxt["number"], nxt["action"], nxt["may"]) == (7, "step", True)
    [refusal] = nxt["refusals"]
    assert refusal["rule"] == "development.activist_period" and "第十三条" in refusal["citation"]
    assert "确定为入党积极分子至今 1 个月" in refusal["message"]
    assert body["allowed"]["assess"] and body["allowed"]["close"] and body["allowed"]["export"]
    assert any(d["rule"] == "development.assessment" for d in body["deadlines"])
    # the leader reads the same, and may do nothing
    read = api(world.reader).get(f"/api/development/cases/{case.pk}/").json()
    assert read["next_steps"][0]["may"] is False and read["next_steps"][0]["refusals"] == []
    assert read["allowed"] == {
        "steps": [],
        "vote_step": None,
        "assess": False,
        "extend": False,
        "close": False,
        "export": False,
    }


def test_outside_the_scope_is_not_found_and_changes_nothing(world, api, case):
    response = api(world.outsider).post(
        f"/api/development/cases/{case.pk}/step/", {"number": 3, "on": "2023-03-01"}
    )
    assert response.status_code == 404 and response.json()["detail"]
    case.refresh_from_db()
    assert case.step == 2


def test_an_unknown_step_number_and_bad_input_are_400_per_field(world, api, case, secretary):
    client = api(secretary)
    url = f"/api/development/cases/{case.pk}/step/"
    assert client.post(url, {"number": 15}).json() == {"number": ["没有这个步骤"]}
    assert client.post(url, {"number": 6}).json() == {"number": ["没有这个步骤"]}
    response = client.post(url, {"number": 3, "on": "明天"})
    assert response.status_code == 400 and response.json() == {"on": ["日期格式不正确"]}


def test_a_vote_and_documents_through_the_api(world, api, case, secretary, zhou):
    client = api(secretary)
    for number in range(3, 15):
        actor = world.owner if number in (4, 8, 13) else secretary
        data = {
            5: {"people": [zhou]},
            9: {"people": [world.zhang, zhou]},
            10: {"conclusion": "政治历史清白", "qualified": True},
            11: {"days": 3, "hours": 24},
        }.get(number, {})
        if number == 6:
            votes.assess(actor, case, DATES[6], "表现良好")
        else:
            recording.record_step(actor, case, number, DATES[number], data)
    vote = client.post(
        f"/api/development/cases/{case.pk}/vote/", {"step": 15, "held_on": "2024-05-20", **VOTE}
    )
    assert vote.status_code == 200, vote.json()
    assert vote.json()["step"] == 15 and vote.json()["admitted_on"] == "2024-05-20"
    assert AuditLog.objects.filter(action="development.vote").count() == 1

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    scan = SimpleUploadedFile("谈话记录.png", out.getvalue(), content_type="image/png")
    token_headers = client.headers
    response = client.client.post(
        f"/api/development/cases/{case.pk}/files/",
        {"number": 2, "files": [scan]},
        **token_headers,
    )
    assert response.status_code == 200, response.content
    assert [f.name for f in case.files.all()] == ["谈话记录.png"]
    assert AuditLog.objects.filter(action="development.files").count() == 1


def test_opening_a_case_and_setting_the_plan_through_the_api(world, api, secretary, applicant):
    response = api(secretary).post(
        "/api/development/cases/open/",
        {"branch": world.branch_a.pk, "employee_no": NEW_APPLICANT, "applied_on": "2023-02-01"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["person_name"] == "钱七" and response.json()["steps"][0]["number"] == 1
    assert AuditLog.objects.filter(action="development.open").count() == 1
    again = api(secretary).post(
        "/api/development/cases/open/",
        {"branch": world.branch_a.pk, "employee_no": NEW_APPLICANT, "applied_on": "2023-02-01"},
    )
    assert again.status_code == 400 and "已有正在办理" in str(again.json())

    url = f"/api/development/plans/?org={world.committee_a.pk}&year=2024"
    plan = api(world.owner).post(url, {"quota": 3}).json()
    assert plan["total"]["quota"] == 3 and plan["may_set_quota"] is True
    assert AuditLog.objects.filter(action="development.quota").count() == 1
    assert api(world.owner).post(url, {"quota": -1}).status_code == 400


def test_the_plan_says_whether_its_year_is_over(world, api):
    today = timezone.localdate()
    url = f"/api/development/plans/?org={world.committee_a.pk}&year="
    past = api(world.owner).get(url + "2024").json()
    assert (past["partial"], past["through"]) == (False, "2024-12-31")
    this = api(world.owner).get(url + str(today.year)).json()
    assert (this["partial"], this["through"]) == (True, today.isoformat())
    coming = api(world.owner).get(url + str(today.year + 1)).json()
    assert (coming["year"], coming["partial"], coming["through"]) == (today.year + 1, True, None)


def test_the_board_counts_stages_and_what_is_due(world, api, case, secretary):
    recording.record_step(secretary, case, 3, DATES[3])  # next assessment due 2023-09-01: overdue
    body = api(world.owner).get(f"/api/development/board/?org={world.committee_a.pk}").json()
    assert body["org"]["name"] == "甲公司党委" and body["total"] == 1
    assert [s["count"] for s in body["stages"]] == [0, 1, 0, 0, 0]
    assert body["overdue_count"] == 1 and body["overdue"][0]["id"] == case.pk
    assert body["soon_count"] == 0 and body["soon"] == []


def _more_cases(world, secretary, n):
    numbers = ["11010519960202002X", "110105199703030032", "110105199804040037"]
    for i in range(n):
        person = people.create_person(
            None,
            {
                "employee_no": f"A03{i}",
                "name": f"申请人{i}",
                "unit": world.dept_a,
                "id_number": numbers[i],
            },
        )
        other = opening.open_case(secretary, person, world.branch_a, DATES[1])
        recording.record_step(secretary, other, 2, DATES[2])
        recording.record_step(secretary, other, 3, DATES[3])


@pytest.mark.parametrize(
    "url, queries",
    [
        (lambda w, c: f"/api/development/board/?org={w.committee_a.pk}", 8),
        (lambda w, c: f"/api/development/plans/?org={w.committee_a.pk}&year=2023", 7),
        (lambda w, c: f"/api/development/cases/{c.pk}/", 8),
    ],
    ids=["board", "plans", "detail"],
)
def test_pinned_query_counts(world, api, case, secretary, url, queries):
    client = api(world.owner)
    client.get("/api/me/")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(world, case)).status_code == 200
    _more_cases(world, secretary, 3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(world, case)).status_code == 200
    assert len(few) == queries, [q["sql"] for q in few]
    assert len(many) == queries


ODD_BODIES = [
    [],
    "x",
    None,
    {"number": {"a": 1}},
    {"number": [3, 4], "on": ["2023-03-01", "x"]},
    {"number": 5, "on": "2023-03-06", "people": [{"id": 1}]},
    {"number": 5, "on": "2023-03-06", "people": "abc"},
    {"number": 10, "on": "2023-03-01", "qualified": True, "conclusion": 5},
    {"number": 99999999999999999999},
    {"step": [15], "held_on": {"a": 1}, "meeting": 99999},
    {"months": 1e9, "on": "2023-03-01", "reason": "x"},
    {"on": "2023-03-01", "text": "x" * 6000},
    {"branch": "x", "employee_no": [1], "quota": "x"},
    {"quota": 27340399062672},  # beyond the database's integers
    {"step": 15, "held_on": "2023-03-01", **dict.fromkeys(VOTE, 10**12)},
]


def test_odd_input_is_a_400_never_a_server_error(world, api, case):
    client = api(world.owner)
    urls = [f"/api/development/cases/{case.pk}/{name}/" for name in actions.ACTIONS]
    urls += ["/api/development/cases/open/", f"/api/development/plans/?org={world.committee_a.pk}"]
    for url in urls:
        for body in ODD_BODIES:
            response = client.client.post(
                url, json.dumps(body), content_type="application/json", **client.headers
            )
            assert response.status_code in (200, 400), (url, body, response.content)
    for query in ("?org=abc", "?org=-1", "?org=99999999999999999999", "?year=abc", "?year=9999"):
        for path in ("/api/development/board/", "/api/development/plans/"):
            assert client.get(path + query).status_code in (200, 404), (path, query)


@pytest.fixture
def keep_connection():
    """Calls through the WSGI application keep the test's database connection (as Django's test
    client does): no closing of old connections at the start and end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_holds_for_generated_calls(world, api, case, keep_connection):
    """Schemathesis over the 发展党员 endpoints: no server error, every response as documented."""
    token = create_token(None, world.owner)
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, headers={"Authorization": f"Token {token}"}
    ).include(path_regex="^/api/development/")
    checks = [
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.response_schema_conformance,
    ]
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(operation.as_strategy())
        @hypothesis_settings(
            max_examples=15,
            deadline=None,
            derandomize=True,  # the same calls on every run
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(generated):
            if "id" in (generated.path_parameters or {}):
                generated.path_parameters["id"] = case.pk
            generated.headers = {**(generated.headers or {}), "Authorization": f"Token {token}"}
            generated.call_and_validate(checks=checks)

        call()
