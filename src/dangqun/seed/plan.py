"""The generated enterprise as plain Python data, before anything touches the database.

A plan is a pure function of (scale, seed, reference date): the same three always give the same
organisations, people, ID numbers, tree paths, terms and posts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scale:
    """How big the generated enterprise is, and how many deliberate rule violations it carries."""

    name: str
    companies: int
    hq_departments: int
    functional: tuple[int, int]  # functional departments per company (min, max)
    centers: tuple[int, int]  # production centres per company
    teams: tuple[int, int]  # teams per centre
    employees: int
    members: int
    joint_functional: int  # 联合党支部 over small functional departments (at most one per company)
    joint_team: int  # 联合党支部 over small teams of a centre
    party_group_share: float  # share of branches with ≥ 20 members that have 党小组
    oversize_branches: int  # 党支部 over 50 members
    uncovered_units: int  # departments with ≥ 3 full members and no party organisation
    no_committee: int  # branches with ≥ 7 full members but no committee
    big_committee: int  # committees of 8
    expired_terms: int
    ending_terms: int
    demo_accounts: bool
    voices: int = 0  # 群众呼声 over three years (the demo scale has its own 120)
    life_years: int = 0  # years of 组织生活 for every branch (the demo branch has its own year)
    development_cases: int = 0  # 发展党员 cases in all stages (the demo branch has its own four)
    activities: int = 0  # activities over three years, with their sign-ups and hours
    classes: int = 0  # 培训班 over three years, with sessions, enrolments and attendance
    questions: int = 0  # questions in the banks of the biggest 党委
    exams: int = 0  # exams over three years on those banks
    exam_attempts: int = 0  # about how many attempts their audiences make
    survey_waves: int = 0  # waves of the satisfaction pulse across the group
    survey_responses: int = 0  # responses in each wave
    publicity_items: int = 0  # 政策宣传 items over a year
    publicity_receipts: int = 0  # about how many receipts their audiences leave
    label: str = ""  # how the audit log names it


SCALES = {
    "small": Scale(
        name="small",
        companies=3,
        hq_departments=8,
        functional=(6, 8),
        centers=(1, 2),
        teams=(3, 5),
        employees=2000,
        members=700,
        joint_functional=2,
        joint_team=0,
        party_group_share=0.3,
        oversize_branches=1,
        uncovered_units=1,
        no_committee=1,
        big_committee=1,
        expired_terms=2,
        ending_terms=3,
        demo_accounts=True,
        label="演示规模",
    ),
    "large": Scale(
        name="large",
        companies=24,
        hq_departments=10,
        functional=(6, 8),
        centers=(16, 19),
        teams=(11, 13),
        employees=300_000,
        members=100_000,
        joint_functional=8,
        joint_team=32,
        party_group_share=0.1,
        oversize_branches=10,
        uncovered_units=10,
        no_committee=10,
        big_committee=10,
        expired_terms=50,
        ending_terms=80,
        demo_accounts=False,
        voices=2_000_000,
        life_years=3,
        development_cases=20_000,
        activities=50_000,
        classes=2_000,
        questions=5_000,
        exams=2_000,
        exam_attempts=1_500_000,
        survey_waves=4,
        survey_responses=200_000,
        publicity_items=2_000,
        publicity_receipts=20_000_000,
        label="大规模",
    ),
}


@dataclass(slots=True)
class OrgNode:
    """One organisation. ``index`` is its position in ``Plan.orgs``; links are indices too."""

    index: int
    name: str
    kind: str
    system: str
    parent: int | None
    founded_on: datetime.date
    short_name: str = ""
    unit: int | None = None
    unit_situation: str = ""
    covered: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    # Where the leaders of this organisation are drawn from (sub-trees of these nodes).
    leaders_from: list[int] = field(default_factory=list)
    path: str = ""
    depth: int = 0


@dataclass(slots=True)
class Department:
    """A leaf unit where people work, and the organisations its people belong to."""

    org: int
    company: int  # 0 = group headquarters, 1.. = subsidiaries
    role: str  # "hq", "functional" or "team"
    code: str  # employee number prefix
    heads: int = 0
    member_quota: int = 0
    plain: bool = False  # members here carry no special status (keeps deliberate cases exact)
    branch: int | None = None
    union_group: int | None = None
    league_branch: int | None = None


@dataclass(slots=True)
class ProfilePlan:
    branch: int
    joined_on: datetime.date
    full_member_on: datetime.date | None
    category: str
    standing: str = "normal"
    lost_contact_on: datetime.date | None = None
    suspended_on: datetime.date | None = None
    floating_to: str = ""
    left_on: datetime.date | None = None
    left_reason: str = ""
    counterpart: str = ""

    def is_current(self) -> bool:
        return self.left_on is None

    def is_full(self, today: datetime.date) -> bool:
        return self.full_member_on is not None and self.full_member_on <= today

    def can_lead(self, today: datetime.date) -> bool:
        return (
            self.is_current()
            and self.is_full(today)
            and self.standing == "normal"
            and self.lost_contact_on is None
            and not self.floating_to
        )


@dataclass(slots=True)
class PersonPlan:
    index: int
    employee_no: str
    name: str
    gender: str
    birth_date: datetime.date
    id_number: str
    education: str
    unit: int  # org index
    job_post: str
    phone: str
    address: str
    ethnicity: str
    political_status: str
    union_org: int | None
    league_org: int | None
    employment_status: str = "active"
    profile: ProfilePlan | None = None


@dataclass(slots=True)
class TermPlan:
    org: int
    number: int
    elected_on: datetime.date
    years: int
    has_committee: bool = True


@dataclass(slots=True)
class PostPlan:
    org: int
    term: int | None  # index in Plan.terms
    person: int  # index in Plan.people
    title: str
    started_on: datetime.date


@dataclass
class Plan:
    scale: Scale
    seed: int
    today: datetime.date
    orgs: list[OrgNode] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    terms: list[TermPlan] = field(default_factory=list)
    posts: list[PostPlan] = field(default_factory=list)
    roots: dict[str, int] = field(default_factory=dict)  # system -> root org index
    # Deliberate rule violations: rule id -> org indices where the warning must show.
    expected: dict[str, list[int]] = field(default_factory=dict)
    # People and organisations the demo accounts are linked to.
    demo: dict[str, int] = field(default_factory=dict)

    def add_org(self, **values) -> OrgNode:
        node = OrgNode(index=len(self.orgs), **values)
        self.orgs.append(node)
        if node.parent is not None:
            self.orgs[node.parent].children.append(node.index)
        return node
