"""Accounts: who may see and administer them, the accounts themselves, role grants and API tokens
(stored hashed)."""

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangqun.accounts.models import ApiToken, RoleGrant, User
from dangqun.accounts.roles import GRANT_ROLES, MANAGE_ACCOUNTS, ROLES
from dangqun.accounts.scope import Scope, get_in_scope, require
from dangqun.core import audit
from dangqun.people.models import Person

TOKEN_PREFIX_LENGTH = 8
VIEWERS_ONLY = "只有系统管理员或安全管理员可以查看账号"
CREATORS_ONLY = "只有系统管理员可以新建账号"
MANAGERS_ONLY = "只有系统管理员可以管理账号"
GRANTERS_ONLY = "只有安全管理员可以授权"
REVOKERS_ONLY = "只有安全管理员可以撤销授权"


# Who may see and administer accounts ---------------------------------------------------------


def can_manage_accounts(user) -> bool:
    """A system admin: creates accounts and edits them."""
    return Scope.of(user).has(MANAGE_ACCOUNTS)


def can_grant_roles(user) -> bool:
    """A security admin: grants and revokes roles."""
    return Scope.of(user).has(GRANT_ROLES)


def can_see_accounts(user) -> bool:
    return can_manage_accounts(user) or can_grant_roles(user)


API_ONLY = (
    "API 文档只对持有 API 令牌的用户和系统管理员、安全管理员开放。"
    "如需通过 API 对接其他系统，请联系系统管理员生成令牌。"
)


def may_use_api(user) -> bool:
    """The API's docs and schema (and the menu's "API"): for those who hold a token, and for the
    administrators who issue them and connect other systems (decision 0016); not for employees,
    members or handlers, whose work is on the pages. Calls with a token pass by holding it."""
    if not (user and user.is_authenticated):
        return False
    return Scope.of(user).holds_api_token or can_see_accounts(user) or user.is_superuser


def visible_to(user) -> QuerySet:
    """The accounts this user may see: all of them for a system or security admin, else none."""
    if not can_see_accounts(user):
        return User.objects.none()
    return User.objects.select_related("person").order_by("username")


def require_visible(user, pk: int) -> User:
    """One account: 403 for whoever may see no account (as the pages), 404 when there is none."""
    require(can_see_accounts(user), VIEWERS_ONLY)
    return get_in_scope(visible_to(user), pk=pk)


def search(user, q: str = "") -> QuerySet:
    """The account list: those whose username or name contains ``q`` (403 for non-admins)."""
    require(can_see_accounts(user), VIEWERS_ONLY)
    accounts = visible_to(user)
    q = (q or "").strip()
    if q:
        accounts = accounts.filter(Q(username__icontains=q) | Q(first_name__icontains=q))
    return accounts


def require_creator(user) -> None:
    require(can_manage_accounts(user), CREATORS_ONLY)


def require_grantable(user, pk: int) -> User:
    """The account a security admin grants a role to (403 for others before any lookup)."""
    require(can_grant_roles(user), GRANTERS_ONLY)
    return require_visible(user, pk)


def require_grant(user, account_pk: int, grant_pk: int) -> RoleGrant:
    """One grant of one account, for a security admin to revoke (others 403; not there 404)."""
    require(can_grant_roles(user), REVOKERS_ONLY)
    return get_in_scope(RoleGrant.objects.filter(user_id=account_pk), pk=grant_pk)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(actor, user, name: str = "") -> str:
    """Make a token for ``user`` and return it; only its hash is kept."""
    if actor is not None and actor != user:
        require(False, "只能为本人创建 API 令牌")
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:TOKEN_PREFIX_LENGTH], key_hash=hash_token(raw)
    )
    audit.record(actor or user, "token.create", token, object_repr=f"{user} {token.prefix}…")
    return raw


def user_for_token(raw: str):
    # one row at most (the hash is unique): no .first(), whose ORDER BY only costs compiling
    tokens = ApiToken.objects.select_related("user").filter(
        key_hash=hash_token(raw), revoked_at__isnull=True
    )
    token = next(iter(tokens), None)
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def grant_role(actor, user, role: str, org) -> RoleGrant:
    """Give a user a role on an organisation sub-tree (security admin only)."""
    if role not in ROLES:
        raise ValueError(f"未知角色 {role}")
    if actor is not None:
        require(can_grant_roles(actor), GRANTERS_ONLY)
        require(actor != user, "不能给自己授权")
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, org=org)
    if created:
        audit.record(
            actor, "role.grant", grant, after={"user": user.pk, "role": role, "org": org.pk}
        )
    return grant


@transaction.atomic
def revoke_role(actor, grant: RoleGrant) -> None:
    if actor is not None:
        require(can_grant_roles(actor), REVOKERS_ONLY)
    audit.record(
        actor,
        "role.revoke",
        grant,
        before={"user": grant.user_id, "role": grant.role, "org": grant.org_id},
    )
    grant.delete()


# Account administration (system admin) ------------------------------------------------------


def _require_account_admin(actor) -> None:
    if actor is not None:
        require(can_manage_accounts(actor), MANAGERS_ONLY)


def _person_by_employee_no(employee_no: str):
    employee_no = (employee_no or "").strip()
    if not employee_no:
        return None
    person = Person.objects.filter(employee_no=employee_no).first()
    if person is None:
        raise ValidationError({"employee_no": "找不到该工号的人员"})
    if hasattr(person, "account"):
        raise ValidationError({"employee_no": "该人员已关联其他账号"})
    return person


@transaction.atomic
def create_account(actor, *, username: str, full_name: str, password: str, employee_no: str = ""):
    """A new login, optionally linked to the person with that employee number."""
    _require_account_admin(actor)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "请填写用户名"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    user = User(username=username, first_name=(full_name or "").strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.person = _person_by_employee_no(employee_no)
    user.set_password(password)
    user.save()
    audit.record(
        actor,
        "account.create",
        user,
        after={"username": username, "person": user.person_id},
    )
    return user


@transaction.atomic
def update_account(actor, user, *, full_name=None, employee_no=None, is_active=None, password=None):
    """Rename, relink, (de)activate or reset the password of an account."""
    _require_account_admin(actor)
    before = {"full_name": user.first_name, "person": user.person_id, "is_active": user.is_active}
    if full_name is not None:
        user.first_name = full_name.strip()
    if employee_no is not None:
        current = user.person.employee_no if user.person_id else ""
        if employee_no.strip() != current:
            user.person = _person_by_employee_no(employee_no)
    if is_active is not None:
        if actor is not None and actor.pk == user.pk and not is_active:
            raise ValidationError({"is_active": "不能停用自己的账号"})
        user.is_active = is_active
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    user.save()
    after = {"full_name": user.first_name, "person": user.person_id, "is_active": user.is_active}
    before, after = audit.diff(before, after)
    if password:
        after["password"] = "（已重置）"  # noqa: S105 - a label, not a secret
    if after:
        audit.record(actor, "account.update", user, before=before, after=after)
    return user
