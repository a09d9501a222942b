"""Permission matrix: every endpoint and method as anonymous, outsider, read-only reader and owner.

The objects are in company A (the owner's and reader's sub-tree); the outsider administers company B.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from dangqun.activities import orders, organising
from dangqun.activities.models import ActivityKind
from dangqun.core.models import AuditLog
from dangqun.learning import materials
from dangqun.people.models import PartyProfile, Person
from dangqun.surveys import building
from dangqun.voices import handling, intake

ROLES = ["anonymous", "outsider", "reader", "owner"]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Any  # world -> str
    body: Any = None  # world -> dict
    expected: tuple[int, int, int, int] = (401, 404, 200, 200)  # in the order of ROLES


NEW_PERSON = {"employee_no": "A0100", "name": "钱七", "gender": "F", "phone": "13900001234"}

CASES = [
    Case("orgs list", "get", lambda w: "/api/orgs/", expected=(401, 200, 200, 200)),
    Case("org detail", "get", lambda w: f"/api/orgs/{w.branch_a.pk}/"),
    Case("org detail (enterprise)", "get", lambda w: f"/api/orgs/{w.dept_a.pk}/"),
    Case("people list", "get", lambda w: "/api/people/", expected=(401, 200, 200, 200)),
    Case("person detail", "get", lambda w: f"/api/people/{w.zhang.pk}/"),
    Case(
        "person create",
        "post",
        lambda w: "/api/people/",
        lambda w: {**NEW_PERSON, "unit": w.dept_a.pk},
        # the outsider cannot place anyone in company A's units: the unit is not found → 400
        expected=(401, 400, 403, 201),
    ),
    Case(
        "person partial update",
        "patch",
        lambda w: f"/api/people/{w.zhang.pk}/",
        lambda w: {"job_post": "会计"},
        expected=(401, 404, 403, 200),
    ),
    Case(
        "person replace (not offered)",
        "put",
        lambda w: f"/api/people/{w.zhang.pk}/",
        lambda w: {"job_post": "会计"},
        expected=(401, 405, 405, 405),
    ),
    Case(
        "person delete (never)",
        "delete",
        lambda w: f"/api/people/{w.zhang.pk}/",
        expected=(401, 405, 405, 405),
    ),
    Case("party profile", "get", lambda w: f"/api/people/{w.zhang.pk}/party-profile/"),
    Case(
        "party profile replace",
        "put",
        lambda w: f"/api/people/{w.zhang.pk}/party-profile/",
        lambda w: {"branch": w.branch_a.pk, "joined_on": "2015-07-01", "category": "technical"},
        expected=(401, 404, 403, 200),
    ),
    Case(
        "party profile partial update",
        "patch",
        lambda w: f"/api/people/{w.zhang.pk}/party-profile/",
        lambda w: {"floating_to": "深圳"},
        expected=(401, 404, 403, 200),
    ),
    Case(
        "party profile created",
        "put",
        lambda w: f"/api/people/{w.wang.pk}/party-profile/",
        lambda w: {"branch": w.branch_a.pk, "joined_on": "2020-06-01"},
        expected=(401, 404, 403, 201),
    ),
    Case(
        "orgs write (read-only resource)",
        "post",
        lambda w: "/api/orgs/",
        lambda w: {},
        (401, 405, 405, 405),
    ),
    # 志愿服务与活动 (the records: ``activity_records``); the owner organises branch A's activities
    Case("activities list", "get", lambda w: "/api/activities/", expected=(401, 200, 200, 200)),
    Case("activity detail", "get", lambda w: f"/api/activities/{w.activity.pk}/"),
    Case(
        "activity sign up (the account has no person)",
        "post",
        lambda w: f"/api/activities/{w.activity.pk}/sign-up/",
        lambda w: {},
        expected=(401, 404, 400, 400),
    ),
    Case("my hours", "get", lambda w: "/api/activities/my-hours/", expected=(401, 404, 404, 404)),
    Case("orders list", "get", lambda w: "/api/activities/orders/", expected=(401, 200, 200, 200)),
    Case(
        "certificates list",
        "get",
        lambda w: "/api/activities/certificates/",
        expected=(401, 200, 200, 200),
    ),
    Case(
        "certificate for oneself (the account has no person)",
        "post",
        lambda w: "/api/activities/certificates/",
        lambda w: {"starts_on": "2026-01-01", "ends_on": "2026-01-31"},
        expected=(401, 400, 400, 400),
    ),
    Case(
        "order detail",
        "get",
        lambda w: f"/api/activities/orders/{w.order.pk}/",
        expected=(401, 404, 404, 200),
    ),
    Case(
        "order claim",
        "post",
        lambda w: f"/api/activities/orders/{w.order.pk}/claim/",
        lambda w: {**w.claim_times, "org": w.branch_a.pk},
        expected=(401, 404, 404, 200),
    ),
    Case(
        "order from a voice (the reader sees the voice, the owner does not)",
        "post",
        lambda w: "/api/activities/orders/",
        lambda w: {"voice": w.request_voice.pk, "org": w.company_a.pk, "title": "陪同"},
        expected=(401, 400, 403, 400),
    ),
    # 学习资料: the owner organises branch A's material; the reader (learning.view) keeps none
    Case(
        "learning materials (mine)",
        "get",
        lambda w: "/api/learning/materials/",
        expected=(401, 200, 200, 200),
    ),
    Case(
        "learning materials (kept)",
        "get",
        lambda w: "/api/learning/materials/?kept=1",
        expected=(401, 200, 403, 200),
    ),
    Case(
        "learning material detail",
        "get",
        lambda w: f"/api/learning/materials/{w.material.pk}/",
        expected=(401, 404, 404, 200),
    ),
    Case(
        "learning material opened (the account has no person)",
        "post",
        lambda w: f"/api/learning/materials/{w.material.pk}/opened/",
        expected=(401, 404, 404, 403),
    ),
    Case(
        "learning material confirm (the account has no person)",
        "post",
        lambda w: f"/api/learning/materials/{w.material.pk}/confirm/",
        lambda w: {"note": "心得"},
        expected=(401, 404, 404, 403),
    ),
    # 问卷调查: the owner (party_admin of 甲公司党委) runs 甲公司's pulse; the reader (leader) reads it
    Case("surveys", "get", lambda w: "/api/surveys/", expected=(401, 200, 200, 200)),
    Case(
        "survey detail",
        "get",
        lambda w: f"/api/surveys/{w.survey.pk}/",
        expected=(401, 404, 200, 200),
    ),
    Case(
        "survey results (below k: nothing shown)",
        "get",
        lambda w: f"/api/surveys/{w.survey.pk}/results/",
        expected=(401, 404, 200, 200),
    ),
    Case(
        "satisfaction index (the outsider's sub-tree runs no pulse: said in Chinese)",
        "get",
        lambda w: "/api/surveys/satisfaction-index/",
        expected=(401, 400, 200, 200),
    ),
    Case(
        "survey answer (the account has no person)",
        "post",
        lambda w: f"/api/surveys/{w.survey.pk}/answer/",
        lambda w: {"answers": {}},
        expected=(401, 404, 403, 403),
    ),
    Case(
        "survey close",
        "post",
        lambda w: f"/api/surveys/{w.survey.pk}/close/",
        lambda w: {},
        expected=(401, 404, 403, 200),
    ),
    Case(
        "survey create (the outsider may not choose 甲公司)",
        "post",
        lambda w: "/api/surveys/",
        lambda w: {"org": w.company_a.pk, "title": "食堂", "audience_who": "everyone"},
        expected=(401, 400, 403, 201),
    ),
]


@pytest.fixture
def activity_records(world, make_user):
    """A published activity of branch A and an open order from a 求助 voice of company A."""
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    fields = {"kind": ActivityKind.objects.get(code="volunteer"), "title": "义诊", "place": "社区"}
    times = {"starts_at": starts, "ends_at": starts + dt.timedelta(hours=2)}
    activity = organising.create(world.owner, {**fields, **times, "org": world.branch_a})
    world.activity = organising.publish(world.owner, activity)
    mass = make_user("mass", role="mass_admin", org=world.company_a)
    data = {"title": "老人陪诊", "content": "需要陪诊。", "kind": "request"}
    voice = intake.submit(world.member, data, unit=world.dept_a).voice
    world.request_voice = handling.assign(mass, voice, handling_org=world.dept_a)
    order = {"org": world.company_a, "title": "陪诊", "description": "陪同复查"}
    world.order = orders.create(mass, world.request_voice, order)
    world.claim_times = {key: value.isoformat() for key, value in times.items()}
    material = {"org": world.branch_a, "title": "党章", "kind": "link", "audience_who": "members"}
    material = materials.create(world.owner, {**material, "url": "https://www.12371.cn/"})
    world.material = materials.publish(world.owner, material)
    pulse = building.create_from_template(world.owner, world.company_a, "pulse")
    world.survey = building.publish(world.owner, pulse)


def _call(client, case: Case, world):
    method = getattr(client, case.method)
    url = case.url(world)
    if case.method in ("get", "delete"):
        return method(url)
    return method(url, case.body(world) if case.body else {})


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, api, case, role, activity_records):
    user = None if role == "anonymous" else getattr(world, role)
    people_before = Person.objects.count()
    profiles_before = PartyProfile.objects.count()
    audit_before = AuditLog.objects.count()

    response = _call(api(user), case, world)

    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content.decode()
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == "Token"
    if expected >= 400 and case.method != "get":
        # a refused write changes nothing (the token made for the caller is the only audit row)
        assert Person.objects.count() == people_before
        assert PartyProfile.objects.count() == profiles_before
        assert AuditLog.objects.count() == audit_before + (user is not None)
    if expected in (403, 404) and response.headers.get("Content-Type") == "application/json":
        assert response.json()["detail"]  # a Chinese reason, not an empty body


def test_lists_hold_only_what_is_in_scope(world, api):
    owner_orgs = {
        row["id"] for row in api(world.owner).get("/api/orgs/?page_size=200").json()["results"]
    }
    outsider_orgs = {
        row["id"] for row in api(world.outsider).get("/api/orgs/?page_size=200").json()["results"]
    }
    assert world.branch_a.pk in owner_orgs and world.branch_b.pk not in owner_orgs
    assert world.branch_b.pk in outsider_orgs and world.branch_a.pk not in outsider_orgs

    def people(user):
        rows = api(user).get("/api/people/?left=all").json()["results"]
        return {row["id"] for row in rows}

    company_a = {world.zhang.pk, world.li.pk, world.wang.pk}
    assert people(world.owner) == company_a
    assert people(world.reader) == company_a
    assert people(world.outsider) == {world.zhao.pk}
    # separation of duties: the audit admin's and system admin's roles show no one's record
    assert people(world.auditor) == set()
    assert people(world.sysadmin) == set()
    # an employee with no role sees only themselves
    assert people(world.member) == {world.zhang.pk}


def test_member_reads_own_record_but_cannot_change_it(world, api):
    client = api(world.member)
    assert client.get(f"/api/people/{world.zhang.pk}/").status_code == 200
    assert client.get(f"/api/people/{world.li.pk}/").status_code == 404
    response = client.patch(f"/api/people/{world.zhang.pk}/", {"phone": "13911112222"})
    assert response.status_code == 403
    assert response.json()["detail"] == "您无权修改该人员信息"
    assert client.post("/api/people/", {**NEW_PERSON, "unit": world.dept_a.pk}).status_code == 403


def test_me(world, api):
    assert api(None).get("/api/me/").status_code == 401
    response = api(world.member).get("/api/me/")
    assert response.status_code == 200
    assert response.json()["id"] == world.zhang.pk
    assert response.json()["party_profile"]["branch"] == world.branch_a.pk
    # an account that is not linked to a person has no record to show
    response = api(world.owner).get("/api/me/")
    assert response.status_code == 404
    assert response.json()["detail"] == "您的账号尚未关联人员档案"
    assert api(world.member).patch("/api/me/", {"phone": "13911112222"}).status_code == 405


def test_owner_cannot_move_a_person_out_of_their_scope(world, api):
    """The owner may not place 张三 in company B's unit: it is outside what they may change."""
    response = api(world.owner).patch(f"/api/people/{world.zhang.pk}/", {"unit": world.dept_b.pk})
    assert response.status_code == 400
    assert "unit" in response.json()
    world.zhang.refresh_from_db()
    assert world.zhang.unit_id == world.dept_a.pk


def test_party_profile_of_non_member_is_not_found(world, api):
    response = api(world.owner).get(f"/api/people/{world.wang.pk}/party-profile/")
    assert response.status_code == 404
    assert response.json()["detail"] == "该人员没有党员信息"
