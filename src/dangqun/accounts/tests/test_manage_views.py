import pytest

from dangqun.accounts.models import RoleGrant, User
from dangqun.core.models import AuditLog


@pytest.fixture
def security(make_user, world):
    return make_user("security", role="security_admin", org=world.group)


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 403), ("reader", 403), ("member", 403), ("sysadmin", 200), ("security", 200)],
)
def test_account_list_permissions(world, security, login, who, status):
    user = security if who == "security" else getattr(world, who)
    assert login(user).get("/accounts/").status_code == status


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_system_admin_creates_account_linked_to_person(world, login):
    client = login(world.sysadmin)
    response = client.post(
        "/accounts/new/",
        {
            "username": "wangwu",
            "full_name": "王五",
            "employee_no": "A0003",
            "password": "Dangqun-2026-x",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="wangwu")
    assert user.person == world.wang
    assert user.check_password("Dangqun-2026-x")
    row = AuditLog.objects.get(action="account.create")
    assert "Dangqun-2026-x" not in str(row.after)


def test_create_account_refuses_weak_password_and_unknown_employee(world, login):
    client = login(world.sysadmin)
    response = client.post(
        "/accounts/new/",
        {"username": "x1", "full_name": "", "employee_no": "NOPE", "password": "123"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "找不到该工号的人员" in text or "密码" in text
    assert not User.objects.filter(username="x1").exists()


def test_system_admin_cannot_grant_roles(world, login):
    response = login(world.sysadmin).post(
        f"/accounts/{world.wang.pk}/grants/", {"role": "party_admin", "org": world.committee.pk}
    )
    assert response.status_code == 403


def test_security_admin_grants_and_revokes(world, security, login):
    client = login(security)
    target = world.reader
    response = client.post(
        f"/accounts/{target.pk}/grants/", {"role": "branch_secretary", "org": world.branch_a.pk}
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=target, role="branch_secretary")
    assert AuditLog.objects.filter(action="role.grant").exists()
    client.post(f"/accounts/{target.pk}/grants/{grant.pk}/revoke/")
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditLog.objects.filter(action="role.revoke").exists()


def test_security_admin_cannot_grant_to_self(world, security, login):
    response = login(security).post(
        f"/accounts/{security.pk}/grants/", {"role": "party_admin", "org": world.committee.pk}
    )
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=security, role="party_admin").exists()
