"""Demo logins, one per role, each granted on the generated organisations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dangqun.accounts.models import RoleGrant, User
from dangqun.accounts.roles import ROLES
from dangqun.accounts.services import grant_role
from dangqun.orgs.models import Org, System

DEMO_PASSWORD = "dangqun123"  # noqa: S105 - published demo password, printed by the command


@dataclass(frozen=True)
class DemoAccount:
    username: str
    label: str
    grants: tuple[tuple[str, str], ...]  # (role, where): a system root, "branch" or "department"
    person: str = ""  # "secretary" or "member" of the demo branch


DEMO_ACCOUNTS = [
    DemoAccount("admin", "系统管理员", (("system_admin", System.ENTERPRISE),)),
    DemoAccount("security", "安全管理员", (("security_admin", System.ENTERPRISE),)),
    DemoAccount("auditor", "审计管理员", (("audit_admin", System.ENTERPRISE),)),
    DemoAccount("dangwei", "党务管理员（集团党委）", (("party_admin", System.PARTY),)),
    DemoAccount("shuji", "支部书记", (("branch_secretary", "branch"),), person="secretary"),
    DemoAccount("qungong", "群工管理员", (("mass_admin", System.ENTERPRISE),)),
    DemoAccount("chengban", "承办人（部门）", (("handler", "department"),)),
    DemoAccount("gonghui", "工会管理员", (("union_admin", System.UNION),)),
    DemoAccount("tuanwei", "团委管理员", (("league_admin", System.LEAGUE),)),
    DemoAccount(
        "lingdao", "领导（只读）", (("leader", System.ENTERPRISE), ("leader", System.PARTY))
    ),
    DemoAccount("yuangong", "普通员工（党员，仅看本人）", (), person="member"),
]


def create_demo_accounts(targets: dict[str, int], people: dict[str, int]) -> list[str]:
    """Create the demo logins. ``targets`` maps a system or "branch" to an org pk, ``people`` maps
    "secretary"/"member" to a person pk. Existing usernames are left alone; returns notes."""
    notes = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            notes.append(f"账号 {account.username} 已存在，未作改动")
            continue
        user = User.objects.create_user(
            username=account.username, password=DEMO_PASSWORD, first_name=account.label
        )
        if account.person:
            user.person_id = people[account.person]
            user.save(update_fields=["person"])
        for role, where in account.grants:
            grant_role(None, user, role, Org.objects.get(pk=targets[where]))
    return notes


def demo_account_lines() -> list[str]:
    """One line per existing demo login: username / password / roles with their scope, in Chinese."""
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=[a.username for a in DEMO_ACCOUNTS]
        ).select_related("person")
    }
    scopes: dict[int, list[str]] = defaultdict(list)
    for grant in RoleGrant.objects.filter(user__in=users.values()).select_related("org"):
        scopes[grant.user_id].append(f"{ROLES[grant.role].label}（{grant.org.name}）")
    lines = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        if user is None:
            continue
        text = "；".join(sorted(scopes[user.pk])) or "无角色，仅可查看本人信息"
        if user.person is not None:
            text += f"；关联人员 {user.person.name}"
        lines.append(f"  {account.username:<9} / {DEMO_PASSWORD} / {text}")
    return lines
