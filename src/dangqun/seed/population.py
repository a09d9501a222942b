"""The people of the generated enterprise, department by department, with their party records."""

from __future__ import annotations

import datetime
import random

from dangqun.people.models import (
    Education,
    EmploymentStatus,
    LeftReason,
    MemberCategory,
    MemberEvent,
    PoliticalStatus,
    Standing,
)
from dangqun.seed.dates import add_years, days
from dangqun.seed.identity import IdentityMaker
from dangqun.seed.names import NameMaker
from dangqun.seed.plan import Department, PersonPlan, Plan, ProfilePlan

M = MemberCategory
OFFICE_POSTS = [
    ("主管", M.MANAGEMENT), ("高级主管", M.MANAGEMENT), ("业务经理", M.MANAGEMENT),
    ("专员", M.EMPLOYED), ("科员", M.EMPLOYED), ("科员", M.EMPLOYED), ("工程师", M.TECHNICAL),
]  # fmt: skip
TEAM_POSTS = [
    ("运行值班员", M.WORKER), ("检修工", M.WORKER), ("巡检员", M.WORKER), ("电工", M.WORKER),
    ("操作工", M.WORKER), ("操作工", M.WORKER), ("安全员", M.WORKER), ("仓管员", M.WORKER),
    ("技术员", M.TECHNICAL), ("助理工程师", M.TECHNICAL), ("工程师", M.TECHNICAL),
]  # fmt: skip
EDUCATION = {
    "hq": [(Education.POSTGRADUATE, 25), (Education.BACHELOR, 60), (Education.COLLEGE, 15)],
    "functional": [
        (Education.POSTGRADUATE, 10), (Education.BACHELOR, 55), (Education.COLLEGE, 30),
        (Education.SECONDARY, 5),
    ],
    "team": [
        (Education.BACHELOR, 15), (Education.COLLEGE, 35), (Education.SECONDARY, 30),
        (Education.HIGH_SCHOOL, 15), (Education.JUNIOR, 5),
    ],
}  # fmt: skip
FLOATING_TO = [
    "外派：印度尼西亚项目部", "外派：巴基斯坦项目部", "援疆：新疆维吾尔自治区喀什地区",
    "援藏：西藏自治区林芝市", "外出：广东省深圳市（长期驻外办事处）", "借调：省国资委",
]  # fmt: skip
TRANSFER_TO = [
    "中共北京市海淀区委组织部", "中共上海市浦东新区委员会组织部", "中共广州市天河区委组织部",
    "中共成都市锦江区委组织部", "中共武汉市江岸区委组织部", "中共西安市雁塔区委组织部",
]  # fmt: skip
# Shares of party members with each special situation (outside the deliberate cases).
PROBATIONARY = 0.045
TRANSFERRED_OUT = 0.015
LOST_CONTACT = 0.006
FLOATING = 0.012
SUSPENDED = 0.003


class PopulationBuilder:
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.today = plan.today
        self.names = NameMaker(rng)
        self.identity = IdentityMaker(rng)
        self.sequence: dict[str, int] = {}
        self.education = {
            role: ([e for e, _ in pairs], [w for _, w in pairs])
            for role, pairs in EDUCATION.items()
        }

    def build(self) -> None:
        for dept in self.plan.departments:
            self.department(dept)

    def department(self, dept: Department) -> None:
        rng = self.rng
        unit_name = self.plan.orgs[dept.org].name
        heads = ("主任", "副主任") if unit_name.endswith(("室", "中心")) else ("部长", "副部长")
        if dept.role == "team":
            heads = ("班组长", "副班组长")
        posts = TEAM_POSTS if dept.role == "team" else OFFICE_POSTS
        people: list[PersonPlan] = []
        weights: list[float] = []
        categories: list[str] = []
        for position in range(dept.heads):
            if position == 0:
                job, category, weight = heads[0], M.MANAGEMENT, 8.0
            elif position == 1 and dept.heads >= 8:
                job, category, weight = heads[1], M.MANAGEMENT, 5.0
            else:
                job, category = rng.choice(posts)
                weight = {M.MANAGEMENT: 3.0, M.TECHNICAL: 2.0}.get(category, 1.0)
            people.append(self.person(dept, position, job))
            weights.append(weight)
            categories.append(category)
        # Weighted sampling without replacement (Efraimidis–Spirakis): leaders join more often.
        keys = sorted(range(len(people)), key=lambda i: -(rng.random() ** (1 / weights[i])))
        members = set(keys[: dept.member_quota])
        for position, person in enumerate(people):
            if position in members:
                self.make_member(person, dept, categories[position])
            else:
                self.set_mass_status(person, dept)
            self.plan.people.append(person)

    def person(self, dept: Department, position: int, job: str) -> PersonPlan:
        rng, today = self.rng, self.today
        male = rng.random() < (0.72 if dept.role == "team" else 0.55)
        gender = "M" if male else "F"
        if dept.role == "team":
            age = int(rng.triangular(21, 59, 34))
        else:
            age = int(rng.triangular(23, 59, 40))
        if not male:
            age = min(age, 49 if dept.role == "team" else 54)
        birth = add_years(today, -age) - days(rng.randint(1, 364))
        area_code, place = self.identity.area()
        number = self.sequence.get(dept.code, 0) + 1
        self.sequence[dept.code] = number
        education, weights = self.education[dept.role]
        return PersonPlan(
            index=len(self.plan.people) + position,
            employee_no=f"HC{dept.code}{number:05d}",
            name=self.names.name(gender, birth.year),
            gender=gender,
            birth_date=birth,
            id_number=self.identity.id_number(area_code, birth, gender),
            education=rng.choices(education, weights=weights)[0],
            unit=dept.org,
            job_post=job,
            phone=self.identity.phone(),
            address=self.identity.address(place),
            ethnicity=self.identity.ethnicity(),
            political_status=PoliticalStatus.MASSES,
            union_org=dept.union_group if rng.random() < 0.97 else None,
            league_org=None,
        )

    def age(self, person: PersonPlan) -> int:
        birth, today = person.birth_date, self.today
        return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))

    def set_mass_status(self, person: PersonPlan, dept: Department) -> None:
        rng, age = self.rng, self.age(person)
        roll = rng.random()
        if age <= 28 and roll < 0.65:
            person.political_status = PoliticalStatus.LEAGUE_MEMBER
            person.league_org = dept.league_branch
        elif age >= 35 and roll < 0.006:
            person.political_status = PoliticalStatus.DEMOCRATIC_PARTY
        elif age >= 35 and roll < 0.009:
            person.political_status = PoliticalStatus.NON_PARTISAN

    def make_member(self, person: PersonPlan, dept: Department, category: str) -> None:
        rng, today = self.rng, self.today
        age = self.age(person)
        eighteen = add_years(person.birth_date, 18)
        if not dept.plain and rng.random() < PROBATIONARY:
            joined = today - days(rng.randint(20, 350))
            full = None
        else:
            join_age = min(int(rng.triangular(19, 45, 25)), max(19, age - 2))
            joined = add_years(person.birth_date, join_age) + days(rng.randint(0, 300))
            latest = add_years(today, -1) - days(30)
            joined = max(eighteen + days(1), min(joined, latest))
            full = add_years(joined, 1)
        profile = ProfilePlan(
            branch=dept.branch, joined_on=joined, full_member_on=full, category=category
        )
        person.profile = profile
        person.political_status = (
            PoliticalStatus.PARTY_MEMBER if full is not None else PoliticalStatus.PROBATIONARY
        )
        if dept.plain or full is None:
            return
        roll = rng.random()
        since = full + days(30)
        if roll < TRANSFERRED_OUT:
            profile.left_on = self._after(since)
            profile.left_reason = LeftReason.TRANSFERRED_OUT
            profile.counterpart = rng.choice(TRANSFER_TO)
            person.employment_status = EmploymentStatus.LEFT
            person.union_org = None
        elif roll < TRANSFERRED_OUT + LOST_CONTACT:
            profile.lost_contact_on = self._after(since)
        elif roll < TRANSFERRED_OUT + LOST_CONTACT + FLOATING:
            profile.floating_to = rng.choice(FLOATING_TO)
        elif roll < TRANSFERRED_OUT + LOST_CONTACT + FLOATING + SUSPENDED:
            profile.standing = Standing.SUSPENDED
            profile.suspended_on = self._after(since)

    def _after(self, since: datetime.date) -> datetime.date:
        """A past date within the last two years, not before ``since``."""
        day = self.today - days(self.rng.randint(30, 730))
        return min(max(day, since), self.today)


def build_population(plan: Plan, rng: random.Random) -> None:
    PopulationBuilder(plan, rng).build()


def member_events(profile: ProfilePlan) -> list[dict]:
    """The dated history of a generated member, as ``people.services`` would have recorded it."""
    Type = MemberEvent.Type
    events = [{"type": Type.JOINED, "on": profile.joined_on, "to": profile.branch, "note": "建档"}]
    if profile.full_member_on:
        events.append({"type": Type.CONFIRMED, "on": profile.full_member_on, "to": profile.branch})
    if profile.lost_contact_on:
        events.append(
            {"type": Type.LOST_CONTACT, "on": profile.lost_contact_on, "from": profile.branch}
        )
    if profile.suspended_on:
        events.append({"type": Type.SUSPENDED, "on": profile.suspended_on, "from": profile.branch})
    if profile.left_reason == LeftReason.TRANSFERRED_OUT:
        events.append(
            {
                "type": Type.TRANSFER_OUT,
                "on": profile.left_on,
                "from": profile.branch,
                "counterpart": profile.counterpart,
            }
        )
    return events
