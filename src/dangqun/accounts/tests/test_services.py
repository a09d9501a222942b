"""Role grants (security admin only, audited) and API tokens (stored hashed)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dangqun.accounts import services
from dangqun.accounts.models import ApiToken, RoleGrant
from dangqun.accounts.scope import Scope
from dangqun.core.models import AuditLog


@pytest.fixture
def security(world, make_user):
    return make_user("security", role="security_admin", org=world.group)


def test_security_admin_grants_and_revokes_with_audit(world, security, make_user):
    clerk = make_user("clerk")
    grant = services.grant_role(security, clerk, "branch_secretary", world.branch_a)
    assert Scope(clerk).people().count() == 3  # branch members and the unit it sits in
    row = AuditLog.objects.get(action="role.grant", actor=security)
    assert row.actor == security
    assert row.after == {"user": clerk.pk, "role": "branch_secretary", "org": world.branch_a.pk}
    # granting again changes nothing and writes nothing
    services.grant_role(security, clerk, "branch_secretary", world.branch_a)
    assert RoleGrant.objects.filter(user=clerk).count() == 1
    assert AuditLog.objects.filter(action="role.grant", actor=security).count() == 1
    services.revoke_role(security, grant)
    assert not RoleGrant.objects.filter(user=clerk).exists()
    assert AuditLog.objects.get(action="role.revoke").before["role"] == "branch_secretary"


@pytest.mark.parametrize("actor", ["owner", "sysadmin", "auditor", "member"])
def test_only_the_security_admin_grants(world, make_user, actor):
    clerk = make_user("clerk")
    with pytest.raises(PermissionDenied, match="只有安全管理员可以授权"):
        services.grant_role(getattr(world, actor), clerk, "leader", world.committee_a)
    assert not RoleGrant.objects.filter(user=clerk).exists()


def test_no_one_grants_to_themselves(world, security):
    with pytest.raises(PermissionDenied, match="不能给自己授权"):
        services.grant_role(security, security, "party_admin", world.committee)


def test_unknown_role(world, security, make_user):
    with pytest.raises(ValueError, match="未知角色"):
        services.grant_role(security, make_user("clerk"), "king", world.group)


def test_revoke_needs_the_security_admin(world):
    grant = world.reader.grants.get()
    with pytest.raises(PermissionDenied):
        services.revoke_role(world.owner, grant)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_token_is_shown_once_and_stored_hashed(world):
    raw = services.create_token(world.owner, world.owner, "报表")
    token = ApiToken.objects.get(user=world.owner)
    assert raw not in (token.key_hash, token.prefix)
    assert token.key_hash == services.hash_token(raw)
    assert raw.startswith(token.prefix)
    assert services.user_for_token(raw) == world.owner
    assert services.user_for_token(raw + "x") is None
    assert AuditLog.objects.filter(action="token.create", actor=world.owner).count() == 1
    assert raw not in str(list(AuditLog.objects.values_list("object_repr", "after")))


def test_a_token_for_someone_else_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.create_token(world.owner, world.reader)
    assert not ApiToken.objects.exists()


def test_revoked_tokens_and_inactive_users_get_nothing(world):
    raw = services.create_token(None, world.reader)
    ApiToken.objects.filter(user=world.reader).update(revoked_at=timezone.now())
    assert services.user_for_token(raw) is None
    raw = services.create_token(None, world.reader)
    world.reader.is_active = False
    world.reader.save()
    assert services.user_for_token(raw) is None
