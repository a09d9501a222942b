"""Roles and what each may do. A grant of a role on an organisation covers its whole sub-tree.

Separation of duties (三员分立): the system admin runs accounts and structure, the security admin
grants roles, the audit admin reads the audit log; none of them sees people's records by that role.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    capabilities: frozenset[str]
    read_only: bool = False


VIEW_ORGS = "orgs.view"
CHANGE_ORGS = "orgs.change"
VIEW_PEOPLE = "people.view"
CHANGE_PEOPLE = "people.change"
IMPORT_PEOPLE = "people.import"
EXPORT_PEOPLE = "people.export"
REVEAL_ID = "people.reveal_id"
CHECK_CORRECTIONS = "corrections.check"  # the branch checks a member's correction request
APPROVE_CORRECTIONS = "corrections.approve"  # the 基层党委 re-checks it
MANAGE_ACCOUNTS = "accounts.manage"
GRANT_ROLES = "accounts.grant"
VIEW_AUDIT = "audit.view"
VIEW_VOICES = "voices.view"  # voices raised in or handled by the sub-tree
MANAGE_VOICES = (
    "voices.manage"  # 受理, 交办, 转办, 不予受理, 合并, 延期审批; sees who raised a 保密 voice
)
HANDLE_VOICES = "voices.handle"  # voices assigned to the sub-tree: respond, ask, answer
VIEW_LIFE = "life.view"  # meetings of the sub-tree's organisations and the compliance radar
MANAGE_LIFE = "life.manage"  # plan and record meetings, mark attendance, finalise minutes
VIEW_DEVELOPMENT = "development.view"  # 发展党员 cases of the sub-tree's branches
MANAGE_DEVELOPMENT = "development.manage"  # the branch's steps: application, votes, …
APPROVE_DEVELOPMENT = "development.approve"  # the approving 党委's steps: 备案, 预审, 审批
VIEW_ACTIVITIES = "activities.view"  # activities of the sub-tree's organisations, participation
MANAGE_ACTIVITIES = "activities.manage"  # organise them: sign-ups, check-in, hours, teams
VIEW_LEARNING = "learning.view"  # the 学时 overview of the sub-tree, classes and exam results
MANAGE_LEARNING = (
    "learning.manage"  # run classes, materials, question banks and exams; confirm 外出培训
)
VIEW_PUBLICITY = "publicity.view"  # items of the sub-tree's organisations and their reach
MANAGE_PUBLICITY = "publicity.manage"  # write, publish, pin and withdraw items; remind readers

VIEW_SURVEYS = "surveys.view"  # results (within k) of the sub-tree's surveys
MANAGE_SURVEYS = "surveys.manage"  # build, publish and close surveys of the sub-tree

_VOICE_ADMIN = (VIEW_VOICES, MANAGE_VOICES, HANDLE_VOICES)
_ACTIVITY_ADMIN = (VIEW_ACTIVITIES, MANAGE_ACTIVITIES)
_LEARNING_ADMIN = (VIEW_LEARNING, MANAGE_LEARNING)
_SURVEY_ADMIN = (VIEW_SURVEYS, MANAGE_SURVEYS)
_PUBLICITY_ADMIN = (VIEW_PUBLICITY, MANAGE_PUBLICITY)

_ROLES = [
    Role("system_admin", "系统管理员", frozenset({VIEW_ORGS, CHANGE_ORGS, MANAGE_ACCOUNTS})),
    Role("security_admin", "安全管理员", frozenset({GRANT_ROLES})),
    Role("audit_admin", "审计管理员", frozenset({VIEW_AUDIT})),
    Role(
        "party_admin",
        "党务管理员",
        frozenset(
            {
                VIEW_ORGS,
                CHANGE_ORGS,
                VIEW_PEOPLE,
                CHANGE_PEOPLE,
                IMPORT_PEOPLE,
                EXPORT_PEOPLE,
                REVEAL_ID,
                CHECK_CORRECTIONS,
                APPROVE_CORRECTIONS,
                VIEW_LIFE,
                MANAGE_LIFE,
                VIEW_DEVELOPMENT,
                MANAGE_DEVELOPMENT,
                APPROVE_DEVELOPMENT,
                *_ACTIVITY_ADMIN,
                *_LEARNING_ADMIN,
                *_SURVEY_ADMIN,
                *_PUBLICITY_ADMIN,
            }
        ),
    ),
    Role(
        "branch_secretary",
        "支部书记/支委",
        frozenset(
            {
                VIEW_ORGS,
                VIEW_PEOPLE,
                CHANGE_PEOPLE,
                EXPORT_PEOPLE,
                CHECK_CORRECTIONS,
                VIEW_LIFE,
                MANAGE_LIFE,
                VIEW_DEVELOPMENT,
                MANAGE_DEVELOPMENT,
                *_ACTIVITY_ADMIN,
                *_LEARNING_ADMIN,
                *_PUBLICITY_ADMIN,
            }
        ),
    ),
    Role(
        "mass_admin",
        "群工管理员",
        frozenset(
            {
                VIEW_ORGS,
                CHANGE_ORGS,
                VIEW_PEOPLE,
                EXPORT_PEOPLE,
                *_VOICE_ADMIN,
                *_ACTIVITY_ADMIN,
                *_SURVEY_ADMIN,
            },
        ),
    ),
    Role("handler", "承办人", frozenset({VIEW_ORGS, HANDLE_VOICES})),
    Role(
        "union_admin",
        "工会管理员",
        frozenset(
            {
                VIEW_ORGS,
                CHANGE_ORGS,
                VIEW_PEOPLE,
                EXPORT_PEOPLE,
                *_VOICE_ADMIN,
                VIEW_LIFE,
                MANAGE_LIFE,
                *_ACTIVITY_ADMIN,
                *_SURVEY_ADMIN,
                *_PUBLICITY_ADMIN,
            }
        ),
    ),
    Role(
        "league_admin",
        "团委管理员",
        frozenset(
            {
                VIEW_ORGS,
                CHANGE_ORGS,
                VIEW_PEOPLE,
                EXPORT_PEOPLE,
                VIEW_LIFE,
                MANAGE_LIFE,
                *_ACTIVITY_ADMIN,
            }
        ),
    ),
    Role(
        "leader",
        "领导（只读）",
        frozenset(
            {
                VIEW_ORGS,
                VIEW_PEOPLE,
                VIEW_VOICES,
                VIEW_LIFE,
                VIEW_DEVELOPMENT,
                VIEW_ACTIVITIES,
                VIEW_LEARNING,
                VIEW_SURVEYS,
                VIEW_PUBLICITY,
            }
        ),
        read_only=True,
    ),
]

ROLES: dict[str, Role] = {role.code: role for role in _ROLES}
ROLE_CHOICES = [(role.code, role.label) for role in _ROLES]


def roles_with(capability: str) -> list[str]:
    return [role.code for role in _ROLES if capability in role.capabilities]
