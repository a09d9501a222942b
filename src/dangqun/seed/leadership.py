"""Terms (届) and leadership posts for every organisation that elects a committee.

Most terms are comfortably current; a chosen few are expired or end within the warning window, and
a chosen few branches lack a committee or have one of 8, so that every structure rule shows.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from dangqun.core.rules import national_rules
from dangqun.orgs.models import BRANCH_KINDS, Kind, PostTitle, System
from dangqun.orgs.services import TERM_YEARS_KEY
from dangqun.seed.dates import add_years, days
from dangqun.seed.plan import OrgNode, Plan, PostPlan, TermPlan

T = PostTitle
TITLES = {
    Kind.PARTY_COMMITTEE: [
        T.SECRETARY, T.DEPUTY_SECRETARY, T.DEPUTY_SECRETARY, T.ORGANISATION, T.PUBLICITY,
        T.DISCIPLINE, T.MEMBER,
    ],
    Kind.GENERAL_BRANCH: [T.SECRETARY, T.DEPUTY_SECRETARY, T.ORGANISATION, T.PUBLICITY, T.DISCIPLINE],
    Kind.UNION_COMMITTEE: [T.CHAIR, T.VICE_CHAIR, T.MEMBER, T.MEMBER, T.MEMBER],
    Kind.UNION_BRANCH: [T.CHAIR, T.MEMBER, T.MEMBER],
    Kind.LEAGUE_COMMITTEE: [T.SECRETARY, T.DEPUTY_SECRETARY, T.MEMBER, T.MEMBER, T.MEMBER],
    Kind.LEAGUE_BRANCH: [T.SECRETARY, T.ORGANISATION, T.PUBLICITY],
    Kind.WOMEN_COMMITTEE: [T.DIRECTOR, T.DEPUTY_DIRECTOR, T.MEMBER],
}  # fmt: skip
BIG_COMMITTEE = [
    T.SECRETARY, T.DEPUTY_SECRETARY, T.ORGANISATION, T.PUBLICITY, T.DISCIPLINE, T.YOUTH, T.WOMEN,
    T.MEMBER,
]  # fmt: skip
WOMEN_COMMITTEE_YEARS = 5
MIN_COMMITTEE_FULL_MEMBERS = 7


class LeadershipBuilder:
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.today = plan.today
        self.years = national_rules()["org.term_years"].params
        self.attached: dict[int, list[int]] = defaultdict(list)  # org index -> person indices
        self.full_members: dict[int, int] = defaultdict(int)  # branch -> current full members
        self.members: dict[int, list[int]] = defaultdict(list)  # branch -> current members
        today = self.today
        for person in plan.people:
            profile = person.profile
            if profile is not None and profile.is_current():
                self.members[profile.branch].append(person.index)
                if profile.is_full(today):
                    self.full_members[profile.branch] += 1
                if profile.can_lead(today):
                    self.attached[profile.branch].append(person.index)
            if person.employment_status != "active":
                continue
            if person.union_org is not None:
                self.attached[person.union_org].append(person.index)
            if person.league_org is not None:
                self.attached[person.league_org].append(person.index)
            if person.gender == "F":
                self.attached[person.unit].append(person.index)

    def subtree(self, index: int) -> list[int]:
        result, stack = [], [index]
        while stack:
            node = stack.pop()
            result.append(node)
            stack.extend(self.plan.orgs[node].children)
        return result

    def pool(self, org: OrgNode) -> list[int]:
        people: list[int] = []
        for source in org.leaders_from:
            for node in self.subtree(source):
                people.extend(self.attached.get(node, ()))
        return sorted(set(people))

    def years_of(self, kind: str) -> int:
        if kind == Kind.WOMEN_COMMITTEE:
            return WOMEN_COMMITTEE_YEARS
        return self.years[TERM_YEARS_KEY[kind]]

    # Which organisations carry the deliberate cases -------------------------------------------
    def choose_cases(self) -> None:
        rng, plan, scale = self.rng, self.plan, self.plan.scale
        taken = set(plan.expected.get("org.branch_size", []))
        branches = [o for o in plan.orgs if o.kind in BRANCH_KINDS and o.index not in taken]
        eligible = [b.index for b in branches if self.full_members[b.index] >= 10]
        eligible = [i for i in eligible if len(self.pool(plan.orgs[i])) >= len(BIG_COMMITTEE)]
        chosen = rng.sample(eligible, scale.no_committee + scale.big_committee)
        self.no_committee = set(chosen[: scale.no_committee])
        self.big_committee = set(chosen[scale.no_committee :])
        plan.expected["org.committee_required"] = sorted(self.no_committee)
        plan.expected["org.committee_size"] = sorted(self.big_committee)
        taken |= self.no_committee | self.big_committee
        party = [
            o.index
            for o in plan.orgs
            if o.system == System.PARTY and o.kind in TERM_YEARS_KEY and o.index not in taken
        ]
        timed = rng.sample(party, scale.expired_terms + scale.ending_terms)
        plan.expected["org.term_expired"] = sorted(timed[: scale.expired_terms])
        plan.expected["org.term_ending"] = sorted(timed[scale.expired_terms :])
        self.expired = set(plan.expected["org.term_expired"])
        self.ending = set(plan.expected["org.term_ending"])

    # Terms and posts --------------------------------------------------------------------------
    def elected_on(self, org: OrgNode, years: int) -> datetime.date:
        rng, today = self.rng, self.today
        if org.index in self.expired:
            return add_years(today, -years) - days(rng.randint(15, 300))
        if org.index in self.ending:
            return add_years(today + days(rng.randint(10, 80)), -years)
        earliest = add_years(today, -years) + days(100)
        return today - days(rng.randint(30, (today - earliest).days))

    def build(self) -> None:
        self.choose_cases()
        for org in self.plan.orgs:
            if org.kind == Kind.PARTY_GROUP:
                self.party_group(org)
            elif org.kind in TERM_YEARS_KEY or org.kind == Kind.WOMEN_COMMITTEE:
                self.term_and_posts(org)
        self.choose_demo_people()

    def term_and_posts(self, org: OrgNode) -> None:
        years = self.years_of(org.kind)
        elected = max(self.elected_on(org, years), org.founded_on)
        number = 1 + (elected - org.founded_on).days // (years * 365)
        pool = self.pool(org)
        has_committee = True
        if org.kind in BRANCH_KINDS:
            if org.index in self.big_committee:
                titles = BIG_COMMITTEE
            elif (
                org.index in self.no_committee
                or self.full_members[org.index] < MIN_COMMITTEE_FULL_MEMBERS
            ):
                titles, has_committee = [T.SECRETARY], False
            else:
                titles = [T.SECRETARY, T.ORGANISATION, T.PUBLICITY]
                if self.rng.random() < 0.5:
                    titles.append(T.DISCIPLINE)
                if self.rng.random() < 0.3:
                    titles.insert(1, T.DEPUTY_SECRETARY)
            if len(pool) < min(len(titles), 3):  # too few full members: any current member
                pool = sorted(set(pool) | set(self.members[org.index]))
        else:
            titles = TITLES[org.kind]
            if org.kind == Kind.GENERAL_BRANCH and self.rng.random() < 0.5:
                titles = [t for t in titles if t != T.DEPUTY_SECRETARY]
        self.plan.terms.append(
            TermPlan(
                org=org.index,
                number=number,
                elected_on=elected,
                years=years,
                has_committee=has_committee,
            )
        )
        term = len(self.plan.terms) - 1
        holders = self.rng.sample(pool, min(len(titles), len(pool)))
        for title, person in zip(titles, holders, strict=False):
            self.plan.posts.append(
                PostPlan(org.index, term, person, title, self.started_on(elected))
            )

    def started_on(self, elected: datetime.date) -> datetime.date:
        span = (self.today - elected).days
        if span > 60 and self.rng.random() < 0.15:
            return elected + days(self.rng.randint(30, min(span, 700)))
        return elected

    def party_group(self, org: OrgNode) -> None:
        branch = self.plan.orgs[org.parent]
        pool = self.attached.get(branch.index, [])
        if pool:
            leader = self.rng.choice(pool)
            started = org.founded_on + days(self.rng.randint(0, 365))
            self.plan.posts.append(PostPlan(org.index, None, leader, T.GROUP_LEADER, started))

    def choose_demo_people(self) -> None:
        """A branch secretary and an ordinary member of the same branch, for the demo accounts."""
        plan = self.plan
        cases = {i for indices in plan.expected.values() for i in indices}
        posted = {post.person for post in plan.posts}
        secretaries = {
            p.org: p.person for p in plan.posts if p.title == T.SECRETARY and p.term is not None
        }
        for term in plan.terms:
            org = plan.orgs[term.org]
            if org.kind != Kind.BRANCH or not term.has_committee or org.index in cases:
                continue
            ordinary = [i for i in self.attached[org.index] if i not in posted]
            if org.index in secretaries and ordinary:
                plan.demo["branch"] = org.index
                plan.demo["secretary"] = secretaries[org.index]
                plan.demo["member"] = ordinary[0]
                return


def build_leadership(plan: Plan, rng: random.Random) -> None:
    LeadershipBuilder(plan, rng).build()
