"""The organisation trees of the generated enterprise: units, party, union, youth league, women.

集团 → 公司 → 职能部门 / 生产中心 → 班组 is the enterprise tree; the party tree runs parallel to it
(集团党委 → 公司党委 → 党总支 per centre → 党支部 per department, 联合党支部 over small departments,
党小组 in some large branches); the union, league and women's trees follow the same units.
"""

from __future__ import annotations

import datetime
import random
from itertools import product

from dangqun.orgs.models import Kind, System, UnitSituation
from dangqun.seed.dates import add_years
from dangqun.seed.org_names import (
    CENTERS,
    FUNCTIONAL,
    GROUP_NAME,
    GROUP_SHORT,
    HQ_DEPARTMENTS,
    INDUSTRIES,
    ORDINALS,
    REGIONS,
    TEAMS,
    numbered,
)
from dangqun.seed.plan import Department, OrgNode, Plan, Scale


def largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to ``weights`` that add up to exactly ``total``."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class StructureBuilder:
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.today = plan.today
        self.scale: Scale = plan.scale

    # Helpers --------------------------------------------------------------------------------
    def _later(self, start: datetime.date, max_days: int) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max_days))

    def org(self, parent: OrgNode | None, name: str, kind: str, system: str, **values) -> OrgNode:
        unit = values.get("unit")
        if "founded_on" not in values:
            base = self.plan.orgs[unit].founded_on if unit is not None else parent.founded_on
            values["founded_on"] = self._later(base, 180)
        return self.plan.add_org(
            name=name,
            kind=kind,
            system=system,
            parent=parent.index if parent else None,
            **values,
        )

    # Enterprise -----------------------------------------------------------------------------
    def enterprise(self) -> None:
        rng, scale, plan = self.rng, self.scale, self.plan
        founded = add_years(self.today, -rng.randint(26, 30)) - datetime.timedelta(
            days=rng.randint(0, 300)
        )
        group = self.org(
            None,
            GROUP_NAME,
            Kind.GROUP,
            System.ENTERPRISE,
            short_name=GROUP_SHORT,
            founded_on=founded,
        )
        plan.roots[System.ENTERPRISE] = group.index
        self.group = group
        self.companies: list[OrgNode] = []
        self.functional: dict[int, list[int]] = {0: []}  # company number -> department indices
        self.centers: dict[int, list[tuple[OrgNode, list[int]]]] = {}

        for name in HQ_DEPARTMENTS[: scale.hq_departments]:
            dept = self.org(group, f"集团{name}", Kind.DEPARTMENT, System.ENTERPRISE)
            self._department(dept, 0, "hq", "00")
        combos = rng.sample(list(product(REGIONS, INDUSTRIES)), scale.companies)
        for number, (region, industry) in enumerate(combos, start=1):
            short = f"{region}{industry}"
            company = self.org(
                group,
                f"华辰{short}有限公司",
                Kind.COMPANY,
                System.ENTERPRISE,
                short_name=f"{short}公司",
                founded_on=self._later(add_years(group.founded_on, 1), 8 * 365),
            )
            self.companies.append(company)
            code = f"{number:02d}"
            self.functional[number] = []
            for name in rng.sample(FUNCTIONAL, rng.randint(*scale.functional)):
                dept = self.org(company, f"{short}{name}", Kind.DEPARTMENT, System.ENTERPRISE)
                self.functional[number].append(self._department(dept, number, "functional", code))
            self.centers[number] = []
            for name in numbered(rng.sample(CENTERS, len(CENTERS)), rng.randint(*scale.centers)):
                center = self.org(company, f"{short}{name}", Kind.DEPARTMENT, System.ENTERPRISE)
                teams = []
                names = sorted(rng.sample(TEAMS, rng.randint(*scale.teams)), key=TEAMS.index)
                for team in names:
                    dept = self.org(
                        center, f"{center.name}{team}", Kind.DEPARTMENT, System.ENTERPRISE
                    )
                    teams.append(self._department(dept, number, "team", code))
                self.centers[number].append((center, teams))

    def _department(self, org: OrgNode, company: int, role: str, code: str) -> int:
        self.plan.departments.append(
            Department(org=org.index, company=company, role=role, code=code)
        )
        return len(self.plan.departments) - 1

    # Head counts and party membership quotas ------------------------------------------------
    def choose_special_units(self) -> None:
        """Decide which departments are small (joint branches), uncovered and oversized."""
        rng, scale = self.rng, self.scale
        numbers = list(range(1, scale.companies + 1))
        self.joint_functional: dict[int, list[int]] = {}
        for number in rng.sample(numbers, min(scale.joint_functional, len(numbers))):
            self.joint_functional[number] = self.functional[number][-3:]
        self.joint_team: dict[int, list[int]] = {}  # centre org index -> teams
        centers = [c for n in numbers for c in self.centers[n] if len(c[1]) >= 6]
        for center, teams in rng.sample(centers, min(scale.joint_team, len(centers))):
            self.joint_team[center.index] = teams[-3:]
        self.uncovered: set[int] = set()
        for number in numbers[: scale.uncovered_units]:
            candidates = self.functional[number][1:]
            candidates = [d for d in candidates if d not in self.joint_functional.get(number, [])]
            self.uncovered.add(candidates[0])
        self.small = {d for group in self.joint_functional.values() for d in group} | {
            d for group in self.joint_team.values() for d in group
        }

    def head_counts(self) -> None:
        rng, scale, depts = self.rng, self.scale, self.plan.departments
        ranges = {"hq": (12, 30), "functional": (10, 35), "team": (40, 110)}
        weights = []
        for index, dept in enumerate(depts):
            if index in self.small:
                low, high = 5, 9
            elif index in self.uncovered:
                low, high = 10, 14
            else:
                low, high = ranges[dept.role]
            weights.append(rng.uniform(low, high))
        for dept, heads in zip(depts, largest_remainder(weights, scale.employees), strict=True):
            dept.heads = max(heads, 3)
        ratios = {"hq": 0.7, "functional": 0.5, "team": 0.28}
        raw = [d.heads * (0.45 if i in self.small else ratios[d.role]) for i, d in enumerate(depts)]
        factor = scale.members * 1.015 / sum(raw)
        for index, dept in enumerate(depts):
            low = 1 if index in self.small else 4
            dept.member_quota = max(low, min(45, round(raw[index] * factor), dept.heads - 1))
        for index in self.uncovered:
            depts[index].member_quota = max(4, depts[index].member_quota)
            depts[index].plain = True
        teams = [i for i, d in enumerate(depts) if d.role == "team" and i not in self.small]
        teams.sort(key=lambda i: (-depts[i].heads, i))
        self.oversize = teams[: scale.oversize_branches]
        for index in self.oversize:
            dept = depts[index]
            dept.member_quota = rng.randint(52, 58)
            dept.heads = max(dept.heads, dept.member_quota + 40)
            dept.plain = True

    # Party ----------------------------------------------------------------------------------
    def party(self) -> None:
        plan, depts = self.plan, self.plan.departments
        root = self.org(
            None,
            f"{GROUP_SHORT}党委",
            Kind.PARTY_COMMITTEE,
            System.PARTY,
            short_name="集团党委",
            unit=self.group.index,
            unit_situation=UnitSituation.LEGAL_ENTITY,
        )
        plan.roots[System.PARTY] = root.index
        self.branches: list[OrgNode] = []
        root.leaders_from = [self._branch(root, d).index for d in self.hq_departments()]
        for number, company in enumerate(self.companies, start=1):
            committee = self.org(
                root,
                f"{company.name}党委",
                Kind.PARTY_COMMITTEE,
                System.PARTY,
                short_name=f"{company.short_name}党委",
                unit=company.index,
                unit_situation=UnitSituation.LEGAL_ENTITY,
            )
            joint = self.joint_functional.get(number, [])
            host = None
            for index in self.functional[number]:
                if index in joint or index in self.uncovered:
                    continue
                branch = self._branch(committee, index)
                host = host or branch
                committee.leaders_from.append(branch.index)
            if joint:
                self._joint(committee, f"{company.short_name}机关联合党支部", company, joint)
            for index in self.functional[number]:
                if index in self.uncovered:
                    depts[index].branch = host.index  # the department has no party organisation
            for center, teams in self.centers[number]:
                general = self.org(
                    committee,
                    f"{center.name}党总支",
                    Kind.GENERAL_BRANCH,
                    System.PARTY,
                    unit=center.index,
                    unit_situation=UnitSituation.SAME_AS_PARENT,
                )
                general.leaders_from = [general.index]
                joint = self.joint_team.get(center.index, [])
                for index in teams:
                    if index not in joint:
                        self._branch(general, index)
                if joint:
                    self._joint(general, f"{center.name}联合党支部", center, joint)
        plan.expected["org.branch_required"] = [depts[i].org for i in sorted(self.uncovered)]
        plan.expected["org.branch_size"] = [depts[i].branch for i in self.oversize]

    def hq_departments(self) -> list[int]:
        return [i for i, d in enumerate(self.plan.departments) if d.role == "hq"]

    def _branch(self, parent: OrgNode, dept_index: int) -> OrgNode:
        dept = self.plan.departments[dept_index]
        unit = self.plan.orgs[dept.org]
        branch = self.org(
            parent,
            f"{unit.name}党支部",
            Kind.BRANCH,
            System.PARTY,
            unit=unit.index,
            unit_situation=UnitSituation.SAME_AS_PARENT,
        )
        branch.leaders_from = [branch.index]
        dept.branch = branch.index
        self.branches.append(branch)
        big = dept.member_quota >= 20 and dept_index not in self.oversize
        if big and self.rng.random() < self.scale.party_group_share:
            for number in range(self.rng.randint(2, 3)):
                name = f"{unit.name}第{ORDINALS[number]}党小组"
                self.org(branch, name, Kind.PARTY_GROUP, System.PARTY)
        return branch

    def _joint(self, parent: OrgNode, name: str, host: OrgNode, dept_indices: list[int]) -> None:
        branch = self.org(
            parent,
            name,
            Kind.JOINT_BRANCH,
            System.PARTY,
            unit=host.index,
            unit_situation=UnitSituation.JOINT,
            covered=[self.plan.departments[i].org for i in dept_indices],
        )
        branch.leaders_from = [branch.index]
        self.branches.append(branch)
        for index in dept_indices:
            self.plan.departments[index].branch = branch.index

    # Union ----------------------------------------------------------------------------------
    def union(self) -> None:
        root = self.org(
            None, f"{GROUP_SHORT}工会", Kind.UNION_COMMITTEE, System.UNION, unit=self.group.index
        )
        self.plan.roots[System.UNION] = root.index
        office = self.org(
            root, "集团机关分工会", Kind.UNION_BRANCH, System.UNION, unit=self.group.index
        )
        root.leaders_from = [office.index]
        office.leaders_from = [office.index]
        for index in self.hq_departments():
            self._union_group(office, index)
        for number, company in enumerate(self.companies, start=1):
            short = company.short_name
            committee = self.org(
                root, f"{short}工会", Kind.UNION_COMMITTEE, System.UNION, unit=company.index
            )
            office = self.org(
                committee, f"{short}机关分工会", Kind.UNION_BRANCH, System.UNION, unit=company.index
            )
            committee.leaders_from = [office.index]
            office.leaders_from = [office.index]
            for index in self.functional[number]:
                self._union_group(office, index)
            for center, teams in self.centers[number]:
                branch = self.org(
                    committee,
                    f"{center.name}分工会",
                    Kind.UNION_BRANCH,
                    System.UNION,
                    unit=center.index,
                )
                branch.leaders_from = [branch.index]
                for index in teams:
                    self._union_group(branch, index)

    def _union_group(self, parent: OrgNode, dept_index: int) -> None:
        dept = self.plan.departments[dept_index]
        unit = self.plan.orgs[dept.org]
        group = self.org(
            parent, f"{unit.name}工会小组", Kind.UNION_GROUP, System.UNION, unit=unit.index
        )
        dept.union_group = group.index

    # Youth league ---------------------------------------------------------------------------
    def league(self) -> None:
        root = self.org(
            None,
            f"{GROUP_SHORT}团委",
            Kind.LEAGUE_COMMITTEE,
            System.LEAGUE,
            short_name="集团团委",
            unit=self.group.index,
        )
        self.plan.roots[System.LEAGUE] = root.index
        office = self._league_branch(root, "集团机关团支部", self.group, self.hq_departments())
        root.leaders_from = [root.index]
        office.leaders_from = [office.index]
        for number, company in enumerate(self.companies, start=1):
            short = company.short_name
            committee = self.org(
                root, f"{short}团委", Kind.LEAGUE_COMMITTEE, System.LEAGUE, unit=company.index
            )
            committee.leaders_from = [committee.index]
            self._league_branch(committee, f"{short}机关团支部", company, self.functional[number])
            for center, teams in self.centers[number]:
                self._league_branch(committee, f"{center.name}团支部", center, teams)

    def _league_branch(
        self, parent: OrgNode, name: str, unit: OrgNode, depts: list[int]
    ) -> OrgNode:
        branch = self.org(parent, name, Kind.LEAGUE_BRANCH, System.LEAGUE, unit=unit.index)
        branch.leaders_from = [branch.index]
        for index in depts:
            self.plan.departments[index].league_branch = branch.index
        return branch

    # Women ----------------------------------------------------------------------------------
    def women(self) -> None:
        depts = self.plan.departments
        root = self.org(
            None, f"{GROUP_SHORT}妇委会", Kind.WOMEN_COMMITTEE, System.WOMEN, unit=self.group.index
        )
        self.plan.roots[System.WOMEN] = root.index
        root.leaders_from = [depts[i].org for i in self.hq_departments()]
        for number, company in enumerate(self.companies, start=1):
            committee = self.org(
                root,
                f"{company.short_name}妇委会",
                Kind.WOMEN_COMMITTEE,
                System.WOMEN,
                unit=company.index,
            )
            committee.leaders_from = [depts[i].org for i in self.functional[number]]


def build_structure(plan: Plan, rng: random.Random) -> None:
    """Fill ``plan.orgs`` and ``plan.departments`` (paths are assigned later)."""
    builder = StructureBuilder(plan, rng)
    builder.enterprise()
    builder.choose_special_units()
    builder.head_counts()
    builder.party()
    builder.union()
    builder.league()
    builder.women()
