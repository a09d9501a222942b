"""Accounts over the API: every endpoint for each kind of caller (the permission matrix), and the
changes done through the same table as the pages (audited, refused with the Chinese reason), with
the list's query count pinned."""

from dataclasses import dataclass
from typing import Any

import pytest

from dangqun.accounts.models import RoleGrant, User
from dangqun.accounts.services import create_token
from dangqun.api.tests.helpers import ApiClient
from dangqun.core.models import AuditLog

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "reader", "owner", "sysadmin", "security"]
ADMINS_ONLY = (401, 403, 403, 403, 200, 200)


@pytest.fixture
def security(make_user, world):
    return make_user("security", role="security_admin", org=world.group)


def caller(world, security, role):
    if role == "anonymous":
        return None
    return security if role == "security" else getattr(world, role)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Any  # world -> str
    body: Any = None  # world -> dict
    expected: tuple[int, ...] = ADMINS_ONLY  # in the order of ROLES


CASES = [
    Case("list", "get", lambda w: "/api/accounts/"),
    Case("list searched", "get", lambda w: "/api/accounts/?q=mem"),
    Case("detail", "get", lambda w: f"/api/accounts/{w.member.pk}/"),
    Case(
        "detail of no account",
        "get",
        lambda w: "/api/accounts/999999/",
        expected=(401, 403, 403, 403, 404, 404),
    ),
    Case(
        "create",
        "post",
        lambda w: "/api/accounts/",
        lambda w: {"username": "wangwu", "password": "Dangqun-2026-x", "employee_no": "A0003"},
        expected=(401, 403, 403, 403, 201, 403),
    ),
    Case(
        "edit",
        "post",
        lambda w: f"/api/accounts/{w.member.pk}/edit/",
        lambda w: {"full_name": "张三丰"},
        expected=(401, 403, 403, 403, 200, 403),
    ),
    Case(
        "grant",
        "post",
        lambda w: f"/api/accounts/{w.member.pk}/grant/",
        lambda w: {"role": "branch_secretary", "org": w.branch_a.pk},
        expected=(401, 403, 403, 403, 403, 200),
    ),
    Case(
        "revoke",
        "post",
        lambda w: f"/api/accounts/{w.auditor.pk}/grants/{w.auditor.grants.get().pk}/revoke/",
        expected=(401, 403, 403, 403, 403, 200),
    ),
    Case(
        "unknown step",
        "post",
        lambda w: f"/api/accounts/{w.member.pk}/merge/",
        expected=(404,) * 6,  # no such route, whoever asks
    ),
    Case(
        "delete (never)",
        "delete",
        lambda w: f"/api/accounts/{w.member.pk}/",
        expected=(401, 405, 405, 405, 405, 405),
    ),
]


def _state():
    return (
        list(User.objects.order_by("pk").values("pk", "username", "first_name", "is_active")),
        list(RoleGrant.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, security, api, case, role):
    user = caller(world, security, role)
    audit_before = AuditLog.objects.count()
    before = _state()
    client = api(user)
    call = getattr(client, case.method)
    args = (case.body(world),) if case.body else ()
    response = call(case.url(world), *args)

    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content.decode()
    if expected >= 400 or case.method == "get":  # nothing changed, the token the only audit row
        assert _state() == before
        assert AuditLog.objects.count() == audit_before + (user is not None)
    else:
        assert AuditLog.objects.count() == audit_before + 2
    if expected == 403 and user is not None:
        assert response.json()["detail"]
    if expected in (200, 201):
        assert "password" not in response.content.decode()


def test_create_writes_its_audit_row_and_shows_no_password(world, api):
    response = api(world.sysadmin).post(
        "/api/accounts/",
        {
            "username": "wangwu",
            "full_name": "王五",
            "employee_no": "A0003",
            "password": "Dangqun-2026-x",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["username"], data["full_name"], data["employee_no"]) == ("wangwu", "王五", "A0003")
    assert data["person"] == world.wang.pk and data["grants"] == []
    account = User.objects.get(username="wangwu")
    assert account.check_password("Dangqun-2026-x")
    assert account.password not in response.content.decode()
    row = AuditLog.objects.get(action="account.create")
    assert row.actor == world.sysadmin and row.object_id == str(account.pk)
    assert "Dangqun-2026-x" not in str(row.after)


def test_a_refusal_is_a_400_with_the_chinese_message(world, api):
    client = api(world.sysadmin)
    taken = client.post("/api/accounts/", {"username": "MEMBER", "password": "Dangqun-2026-x"})
    assert taken.status_code == 400
    assert taken.json() == {"username": ["该用户名已被使用"]}
    unknown = client.post(
        "/api/accounts/",
        {"username": "x1", "password": "Dangqun-2026-x", "employee_no": "NOPE"},
    )
    assert unknown.status_code == 400
    assert unknown.json() == {"employee_no": ["找不到该工号的人员"]}
    weak = client.post("/api/accounts/", {"username": "x2", "password": "123"})
    assert weak.status_code == 400 and weak.json()["password"]
    not_fields = client.post("/api/accounts/", ["x"])
    assert not_fields.status_code == 400
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_edit_keeps_what_is_not_sent(world, api):
    world.member.refresh_from_db()
    response = api(world.sysadmin).post(
        f"/api/accounts/{world.member.pk}/edit/", {"full_name": "张三丰"}
    )
    assert response.status_code == 200, response.content
    world.member.refresh_from_db()
    assert world.member.first_name == "张三丰"
    assert world.member.is_active and world.member.person == world.zhang
    row = AuditLog.objects.get(action="account.update")
    assert row.after == {"full_name": "张三丰"}


def test_edit_refuses_to_deactivate_oneself(world, api):
    response = api(world.sysadmin).post(
        f"/api/accounts/{world.sysadmin.pk}/edit/", {"is_active": False}
    )
    assert response.status_code == 400
    assert response.json() == {"is_active": ["不能停用自己的账号"]}
    world.sysadmin.refresh_from_db()
    assert world.sysadmin.is_active


def test_grant_writes_its_audit_row(world, security, api):
    response = api(security).post(
        f"/api/accounts/{world.member.pk}/grant/",
        {"role": "branch_secretary", "org": world.branch_a.pk},
    )
    assert response.status_code == 200, response.content
    [grant] = response.json()["grants"]
    assert (grant["role"], grant["org"], grant["org_name"]) == (
        "branch_secretary",
        world.branch_a.pk,
        world.branch_a.name,
    )
    row = AuditLog.objects.get(action="role.grant", actor=security)
    assert row.object_id == str(grant["id"])


def test_grant_is_refused_to_whoever_is_not_a_security_admin(world, security, api):
    body = {"role": "party_admin", "org": world.committee.pk}
    refused = api(world.sysadmin).post(f"/api/accounts/{world.member.pk}/grant/", body)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有安全管理员可以授权"
    to_self = api(security).post(f"/api/accounts/{security.pk}/grant/", body)
    assert to_self.status_code == 403
    assert to_self.json()["detail"] == "不能给自己授权"
    missing = api(security).post(f"/api/accounts/{world.member.pk}/grant/", {"role": "nope"})
    assert missing.status_code == 400 and set(missing.json()) == {"role", "org"}
    assert not RoleGrant.objects.filter(
        role="party_admin", user__in=[world.member, security]
    ).exists()


def test_revoke_writes_its_audit_row(world, security, api):
    grant = world.reader.grants.get()
    client = api(security)
    other = client.post(f"/api/accounts/{world.owner.pk}/grants/{grant.pk}/revoke/")
    assert other.status_code == 404  # a grant of another account
    response = client.post(f"/api/accounts/{world.reader.pk}/grants/{grant.pk}/revoke/")
    assert response.status_code == 200, response.content
    assert response.json()["grants"] == []
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditLog.objects.filter(action="role.revoke", object_id=str(grant.pk)).exists()


def test_list_searches_as_the_page(world, api):
    response = api(world.sysadmin).get("/api/accounts/", {"q": "own"})
    assert [row["username"] for row in response.json()["results"]] == ["owner"]


def test_list_queries_do_not_grow_with_rows(world, make_user, django_assert_num_queries):
    client = ApiClient(create_token(None, world.sysadmin))
    client.get("/api/me/")  # first use of the token records when it was used
    # token, grants, count, the page's rows, their grants
    with django_assert_num_queries(5):
        few = client.get("/api/accounts/")
    for n in range(20):
        make_user(f"crowd{n}", role="leader", org=world.committee_a)
    with django_assert_num_queries(5):
        many = client.get("/api/accounts/")
    assert many.json()["count"] == few.json()["count"] + 20


def test_detail_queries(world, django_assert_num_queries):
    client = ApiClient(create_token(None, world.sysadmin))
    client.get("/api/me/")
    # token, grants, the account, its grants
    with django_assert_num_queries(4):
        response = client.get(f"/api/accounts/{world.owner.pk}/")
    assert response.json()["grants"][0]["org_name"] == world.committee_a.name
