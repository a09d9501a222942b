"""Organisation changes over the API: every endpoint for each kind of caller (the permission
matrix), and actions done through the same table as the pages (changed, audited, refused with
the Chinese reason, not found outside the scope)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from dangqun.core.models import AuditLog
from dangqun.orgs import services
from dangqun.orgs.models import Org, Post, Term

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "reader", "owner"]


@pytest.fixture
def spare(world):
    """An empty branch under company A's committee (dissolvable), and a post in branch A."""
    empty = services.create_org(
        None, parent=world.committee_a, name="甲公司临时党支部", kind="branch"
    )
    post = services.appoint(
        None, world.branch_a, world.zhang, "secretary", started_on=dt.date(2022, 1, 1)
    )
    return empty, post


@dataclass(frozen=True)
class Case:
    name: str
    url: Any  # (world, spare) -> str
    body: dict
    expected: tuple[int, int, int, int] = (401, 404, 403, 200)  # in the order of ROLES


CASES = [
    Case(
        "add a child",
        lambda w, s: f"/api/orgs/{w.committee_a.pk}/add_child/",
        {"name": "甲公司第二党支部", "kind": "branch", "founded_on": "2024-01-01"},
    ),
    Case(
        "edit",
        lambda w, s: f"/api/orgs/{w.branch_a.pk}/edit/",
        {"name": "甲公司综合部第一党支部", "on": "2024-01-01"},
    ),
    Case(
        "move",
        lambda w, s: f"/api/orgs/{s[0].pk}/move/",
        {"new_parent": None, "on": "2024-01-01"},  # filled in below: branch A
    ),
    Case("dissolve", lambda w, s: f"/api/orgs/{s[0].pk}/dissolve/", {"on": "2024-01-01"}),
    Case(
        "new term",
        lambda w, s: f"/api/orgs/{w.branch_a.pk}/new_term/",
        {"elected_on": "2024-03-01"},
    ),
    Case(
        "appoint",
        lambda w, s: f"/api/orgs/{w.branch_a.pk}/appoint/",
        {"person": "A0002", "title": "organisation", "started_on": "2024-03-01"},
    ),
    Case(
        "end a post",
        lambda w, s: f"/api/orgs/{w.branch_a.pk}/posts/{s[1].pk}/end/",
        {"ended_on": "2024-03-01"},
    ),
    Case(
        "unknown step",
        lambda w, s: f"/api/orgs/{w.branch_a.pk}/merge/",
        {},
        expected=(404, 404, 404, 404),  # no such route, whoever asks
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, api, spare, case, role):
    user = None if role == "anonymous" else getattr(world, role)
    body = dict(case.body)
    if "new_parent" in body:
        body["new_parent"] = world.branch_a.pk
    audit_before = AuditLog.objects.count()
    orgs_before = list(Org.objects.order_by("pk").values())

    response = api(user).post(case.url(world, spare), body)

    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content.decode()
    if expected >= 400:  # refused: nothing changed, the caller's token the only audit row
        assert list(Org.objects.order_by("pk").values()) == orgs_before
        assert AuditLog.objects.count() == audit_before + (user is not None)
    else:
        assert AuditLog.objects.count() > audit_before + 1
    if expected in (403, 404) and response.headers.get("Content-Type") == "application/json":
        assert response.json()["detail"]


def test_edit_changes_the_org_and_writes_its_audit_row(world, api):
    response = api(world.owner).post(
        f"/api/orgs/{world.branch_a.pk}/edit/",
        {"name": "甲公司综合部第一党支部", "contact_name": "张三", "on": "2024-01-01"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "甲公司综合部第一党支部"
    world.branch_a.refresh_from_db()
    assert world.branch_a.contact_name == "张三"
    row = AuditLog.objects.filter(action="org.update", object_id=str(world.branch_a.pk)).get()
    assert row.actor == world.owner


def test_add_child_answers_the_new_org(world, api):
    response = api(world.owner).post(
        f"/api/orgs/{world.committee_a.pk}/add_child/",
        {"name": "甲公司第二党支部", "kind": "branch", "founded_on": "2024-01-01"},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["name"] == "甲公司第二党支部" and data["parent"] == world.committee_a.pk
    assert AuditLog.objects.filter(action="org.create", object_id=str(data["id"])).exists()


def test_appoint_and_end_a_post(world, api):
    client = api(world.owner)
    response = client.post(
        f"/api/orgs/{world.branch_a.pk}/appoint/",
        {"person": "A0001", "title": "secretary", "started_on": "2024-03-01"},
    )
    assert response.status_code == 200, response.content
    post = Post.objects.get(org=world.branch_a, person=world.zhang)
    assert AuditLog.objects.filter(action="org.post.appoint").exists()

    url = f"/api/orgs/{world.branch_a.pk}/posts/{post.pk}/end/"
    early = client.post(url, {"ended_on": "2024-02-01"})
    assert early.status_code == 400
    assert early.json() == {"ended_on": ["离任日期不能早于任职日期"]}
    assert client.post(url, {"ended_on": "2024-06-01"}).status_code == 200
    post.refresh_from_db()
    assert post.ended_on == dt.date(2024, 6, 1)
    assert AuditLog.objects.filter(action="org.post.end").exists()


def test_new_term_through_the_api(world, api):
    response = api(world.owner).post(
        f"/api/orgs/{world.branch_a.pk}/new_term/", {"elected_on": "2024-03-01", "years": 3}
    )
    assert response.status_code == 200, response.content
    term = Term.objects.get(org=world.branch_a)
    assert (term.number, term.years) == (1, 3)
    assert AuditLog.objects.filter(action="org.term.start").exists()


def test_a_refusal_is_a_400_with_the_chinese_reason(world, api):
    response = api(world.owner).post(
        f"/api/orgs/{world.branch_a.pk}/dissolve/", {"on": "2024-01-01"}
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["该组织仍有党员，请先办理组织关系转接"]}
    world.branch_a.refresh_from_db()
    assert world.branch_a.is_active


def test_appoint_finds_only_people_in_scope(world, api):
    response = api(world.owner).post(
        f"/api/orgs/{world.branch_a.pk}/appoint/",
        {"person": "B0001", "title": "member", "started_on": "2024-03-01"},
    )
    assert response.status_code == 400
    assert response.json() == {"person": ["在您的管理范围内找不到该工号的人员"]}
    assert not Post.objects.exists()


def test_outside_the_scope_is_not_found(world, api, spare):
    client = api(world.outsider)
    response = client.post(
        f"/api/orgs/{world.branch_a.pk}/edit/", {"name": "x", "on": "2024-01-01"}
    )
    assert response.status_code == 404
    # a post of another organisation is not found under this one
    owner = api(world.owner)
    url = f"/api/orgs/{world.committee_a.pk}/posts/{spare[1].pk}/end/"
    assert owner.post(url, {"ended_on": "2024-03-01"}).status_code == 404
    assert (
        api(world.owner)
        .post(f"/api/orgs/{world.branch_b.pk}/new_term/", {"elected_on": "2024-03-01"})
        .status_code
        == 404
    )
