"""职代会 over the API: every endpoint for each kind of caller (the permission matrix), the same
actions table as the congress pages (changed, audited, refused with the Chinese reason, not
found outside the scope), a fixed number of queries for the list and the detail."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.core.models import AuditLog
from dangqun.voices import proposals
from dangqun.voices.models import Congress, Kind, Representative, Voice

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "owner", "handler", "representative", "mass", "mass_b", "group"]
TEXT = {"title": "建议增设夜班班车", "content": "夜班下班后没有公交，建议增设一趟 23:30 的班车。"}


@pytest.fixture
def users(world, make_user):
    return {
        "anonymous": None,
        "outsider": world.outsider,  # party-affairs admin of company B: nothing to do with voices
        "owner": world.owner,  # party-affairs admin of company A
        "handler": make_user("handler", role="handler", org=world.dept_a),
        "representative": world.member,  # 张三, a representative
        "mass": make_user("mass", role="mass_admin", org=world.company_a),
        "mass_b": make_user("mass_b", role="mass_admin", org=world.company_b),
        "group": make_user("group_mass", role="mass_admin", org=world.group),
    }


@pytest.fixture
def congress(world, users):
    congress = proposals.save_congress(
        users["mass"],
        None,
        {"org": world.company_a, "name": "第三届职工代表大会", "starts_on": dt.date(2025, 1, 1)},
    )
    proposals.add_representatives(users["mass"], congress, ["A0001", "A0002", "A0003"])
    return congress


def _rep(congress, person) -> int:
    return Representative.objects.get(congress=congress, person=person).pk


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # {c}: the congress, {rep}: 王五's place in it
    body: object  # dict, or (world, congress) -> dict
    expected: tuple[int, ...]  # in the order of ROLES


def _new(world, congress):
    return {"org": world.company_a.pk, "name": "第四届职工代表大会", "starts_on": "2028-01-01"}


def _propose(world, congress):
    return {**TEXT, "seconders": [_rep(congress, world.li), _rep(congress, world.wang)]}


C = "/api/voices/congresses/"
CASES = [
    Case("list", "get", C, None, (401, 403, 403, 403, 403, 200, 200, 200)),
    Case("detail", "get", C + "{c}/", None, (401, 404, 404, 404, 404, 200, 404, 200)),
    # company B's admin may not hold company A's congress: not among the choices
    Case("create", "post", C, _new, (401, 403, 403, 403, 403, 201, 400, 201)),
    Case("settings", "post", C + "{c}/settings/", _new, (401, 404, 404, 404, 404, 200, 404, 200)),
    Case("reps", "post", C + "{c}/reps/", {"employee_nos": "B0001"}, (401, 404, 404, 404, 404, 200, 404, 200)),
    Case("remove a rep", "delete", C + "{c}/representatives/{rep}/", None, (401, 404, 404, 404, 404, 204, 404, 204)),
    Case("propose", "post", C + "{c}/propose/", _propose, (401, 404, 404, 404, 201, 404, 404, 404)),
    Case("unknown step", "post", C + "{c}/merge/", {}, (404,) * 8),
]  # fmt: skip


def _state():
    return (
        list(Congress.objects.order_by("pk").values()),
        list(Representative.objects.order_by("pk").values()),
        Voice.objects.count(),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, api, users, congress, case, role):
    user = users[role]
    body = case.body(world, congress) if callable(case.body) else case.body
    url = case.url.format(c=congress.pk, rep=_rep(congress, world.wang))
    before, audit_before = _state(), AuditLog.objects.count()

    client = api(user)
    response = (
        client.delete(url) if case.method == "delete" else getattr(client, case.method)(url, body)
    )

    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content.decode()
    if expected >= 400 or case.method == "get":  # nothing changed, the token the only audit row
        assert _state() == before
        assert AuditLog.objects.count() == audit_before + (user is not None)
    else:
        assert AuditLog.objects.count() >= audit_before + 2
    if expected == 403:
        assert response.json()["detail"]


def test_the_detail_shows_representatives_and_proposals(world, api, users, congress):
    proposals.submit(
        users["mass"],
        TEXT,
        congress=congress,
        proposer=world.zhang,
        seconders=[world.li, world.wang],
    )
    data = api(users["mass"]).get(f"/api/voices/congresses/{congress.pk}/").json()
    assert data["name"] == "第三届职工代表大会" and data["org_name"] == "甲公司"
    assert {rep["employee_no"] for rep in data["representatives"]} == {"A0001", "A0002", "A0003"}
    assert [p["title"] for p in data["proposals"]] == [TEXT["title"]]
    assert data["proposals"][0]["proposer"] == "张三"


def test_settings_change_the_congress_and_write_their_audit_row(world, api, users, congress):
    body = {"org": world.company_a.pk, "name": "第三届职代会", "starts_on": "2025-01-01"}
    response = api(users["mass"]).post(f"/api/voices/congresses/{congress.pk}/settings/", body)
    assert response.status_code == 200, response.content
    congress.refresh_from_db()
    assert congress.name == "第三届职代会" and not congress.accepting
    assert (
        AuditLog.objects.filter(action__startswith="voice.congress", actor=users["mass"]).count()
        == 2
    )


def test_representatives_all_or_nothing_with_the_chinese_reason(world, api, users, congress):
    url = f"/api/voices/congresses/{congress.pk}/reps/"
    response = api(users["mass"]).post(url, {"employee_nos": "B0001, X9999"})
    assert response.status_code == 400
    assert "X9999" in str(response.json())
    assert not congress.representatives.filter(person=world.zhao).exists()


def test_a_paper_proposal_is_entered_with_its_signatures(world, api, users, congress):
    body = {
        **TEXT,
        "proposer": _rep(congress, world.zhang),
        "seconders": [_rep(congress, world.li), _rep(congress, world.wang)],
    }
    response = api(users["mass"]).post(f"/api/voices/congresses/{congress.pk}/paper/", body)
    assert response.status_code == 200, response.content
    voice = Voice.objects.get(kind=Kind.PROPOSAL)
    assert voice.person == world.zhang and voice.user == world.member
    assert AuditLog.objects.filter(action="voice.proposal", actor=users["mass"]).exists()


def test_a_representative_proposes_and_is_refused_in_chinese(world, api, users, congress):
    client = api(users["representative"])
    url = f"/api/voices/congresses/{congress.pk}/propose/"
    alone = client.post(url, {**TEXT, "seconders": []})
    assert alone.status_code == 400 and alone.json() == {"seconders": ["请选择附议代表"]}
    not_json_fields = client.post(url, [1])
    assert not_json_fields.status_code == 400
    response = client.post(url, _propose(world, congress))
    assert response.status_code == 201, response.content
    assert response.json()["proposer"] == "张三"


def test_a_number_for_a_date_is_refused_not_a_server_error(world, api, users):
    body = {"org": world.company_a.pk, "name": "职代会", "starts_on": 20250101}
    response = api(users["mass"]).post("/api/voices/congresses/", body)
    assert response.status_code == 400 and list(response.json()) == ["starts_on"]


@pytest.mark.parametrize("detail, queries", [(False, 5), (True, 9)])
def test_list_and_detail_take_a_fixed_number_of_queries(
    world, api, users, congress, detail, queries
):
    client = api(users["mass"])
    url = f"/api/voices/congresses/{congress.pk}/" if detail else "/api/voices/congresses/"
    assert client.get(url).status_code == 200  # the token's first use is recorded once
    counts = []
    for n in range(2):
        proposals.save_congress(
            users["mass"],
            None,
            {"org": world.company_a, "name": f"职代会{n}", "starts_on": dt.date(2024, 1, 1)},
        )
        proposals.submit(
            users["mass"],
            TEXT,
            congress=congress,
            proposer=world.zhang,
            seconders=[world.li, world.wang],
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts == [queries] * 2
