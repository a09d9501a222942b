"""Structure rules (domain-rules §1) evaluated over organisations, rolled up to ancestors.

A fixed handful of aggregate queries, whatever the number of organisations.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangqun.core.rules import Finding, get_rule
from dangqun.orgs import services
from dangqun.orgs.models import BRANCH_KINDS, Kind, Org, Post, System, Term
from dangqun.people.models import PartyProfile

CURRENT_MEMBER = Q(left_on__isnull=True)


@dataclass(frozen=True)
class OrgFinding:
    org_id: int
    org_name: str
    org_path: str
    finding: Finding

    def __str__(self) -> str:
        return f"{self.org_name}：{self.finding}"


def _current_terms(orgs: QuerySet) -> dict[int, Term]:
    terms: dict[int, Term] = {}
    for term in Term.objects.filter(org__in=orgs.values("pk"), closed_on__isnull=True).order_by(
        "org_id", "number"
    ):
        terms[term.org_id] = term  # the highest open number wins
    return terms


class _Findings:
    """The findings gathered so far; a rule that is switched off adds nothing."""

    def __init__(self, orgs: list[Org]):
        self.by_id = {org.pk: org for org in orgs}
        self.results: list[OrgFinding] = []

    def add(self, org: Org, rule_id: str, **facts) -> None:
        rule = get_rule(rule_id)
        if rule.enabled:
            self.results.append(
                OrgFinding(org.pk, org.name, org.path, Finding(rule, rule.explain(**facts), org))
            )


def findings_for(
    orgs: QuerySet, today: datetime.date | None = None, loaded: list[Org] | None = None
) -> list[OrgFinding]:
    """Every structure finding about the organisations of ``orgs`` (active ones; ``loaded``: the
    same organisations already read). The queries select them by a sub-query of ``orgs``, never by
    a list of ids: a group's 18,000 ids made every query megabytes of text to build and parse."""
    today = today or timezone.localdate()
    if loaded is None:
        loaded = list(orgs.only(*ORG_FIELDS))
    found = _Findings(loaded)
    terms = _current_terms(orgs)
    branches = [o.pk for o in loaded if o.kind in BRANCH_KINDS]
    _check_branches(found, branches, orgs.filter(kind__in=BRANCH_KINDS), terms, today)
    _check_terms(found, terms, today)
    if any(o.kind == Kind.JOINT_BRANCH for o in loaded):
        _check_joint_branches(found, orgs.filter(kind=Kind.JOINT_BRANCH))
    if any(o.system == System.ENTERPRISE for o in loaded):
        _check_units_need_a_branch(found, orgs.filter(system=System.ENTERPRISE), today)
    found.results.sort(key=lambda f: f.org_path)
    return found.results


def _check_branches(found: _Findings, branch_ids, branches: QuerySet, terms, today) -> None:
    """Branch size, the committee a branch of enough full members must elect, and its size."""
    full = Q(full_member_on__isnull=False, full_member_on__lte=today)
    counts = {
        row["branch_id"]: row
        for row in PartyProfile.objects.filter(CURRENT_MEMBER, branch__in=branches.values("pk"))
        .values("branch_id")
        .annotate(members=Count("pk"), full=Count("pk", filter=full))
    }
    # posts of every open term of these branches (a count of an older open term is never read)
    committee_sizes = dict(
        Post.objects.filter(term__org__in=branches.values("pk"), term__closed_on__isnull=True)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values("term_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("term_id", "n")
    )
    size_rule = get_rule("org.branch_size")
    committee_rule = get_rule("org.committee_required")
    committee_size_rule = get_rule("org.committee_size")
    for branch_id in branch_ids:
        org = found.by_id[branch_id]
        row = counts.get(branch_id, {"members": 0, "full": 0})
        if row["members"] > size_rule["max_members"]:
            found.add(org, "org.branch_size", members=row["members"])
        term = terms.get(branch_id)
        has_committee = term is not None and term.has_committee
        if row["full"] >= committee_rule["min_full_members"] and not has_committee:
            found.add(org, "org.committee_required", full_members=row["full"])
        if has_committee:
            size = committee_sizes.get(term.pk, 0)
            if not committee_size_rule["min_members"] <= size <= committee_size_rule["max_members"]:
                found.add(org, "org.committee_size", members=size)


def _check_terms(found: _Findings, terms: dict[int, Term], today) -> None:
    """Terms that have run out, or end within the warning period."""
    ending_rule = get_rule("org.term_ending")
    for org_id, term in terms.items():
        ends_on = term.ends_on
        if ends_on < today:
            found.add(found.by_id[org_id], "org.term_expired", number=term.number, ends_on=ends_on)
        elif (ends_on - today).days <= ending_rule["warn_days"]:
            found.add(
                found.by_id[org_id],
                "org.term_ending",
                number=term.number,
                ends_on=ends_on,
                days=(ends_on - today).days,
            )


def _check_joint_branches(found: _Findings, joints: QuerySet) -> None:
    """A joint branch (联合党支部) covering too many units."""
    joint_rule = get_rule("org.joint_branch_units")
    for org_id, units in (
        Org.objects.filter(pk__in=joints.values("pk"))
        .annotate(n=Count("covered_units"))
        .values_list("pk", "n")
    ):
        if units > joint_rule["max_units"]:
            found.add(found.by_id[org_id], "org.joint_branch_units", units=units)


def _check_units_need_a_branch(found: _Findings, units: QuerySet, today) -> None:
    """Units with enough full members and no active party organisation of their own or covering
    them."""
    required = get_rule("org.branch_required")
    full = Q(full_member_on__isnull=False, full_member_on__lte=today)
    full_by_unit = dict(
        PartyProfile.objects.filter(CURRENT_MEMBER, full, person__unit__in=units.values("pk"))
        .values("person__unit_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=required["min_full_members"])
        .values_list("person__unit_id", "n")
    )
    if not full_by_unit:
        return
    party_active = Q(system=System.PARTY, dissolved_on__isnull=True)
    covered = set(
        Org.objects.filter(party_active, unit__in=units.values("pk")).values_list(
            "unit_id", flat=True
        )
    ) | set(
        Org.covered_units.through.objects.filter(
            to_org__in=units.values("pk"),
            from_org__system=System.PARTY,
            from_org__dissolved_on__isnull=True,
        ).values_list("to_org_id", flat=True)
    )
    for unit_id, n in full_by_unit.items():
        if unit_id not in covered:
            found.add(found.by_id[unit_id], "org.branch_required", full_members=n)


ORG_FIELDS = ("pk", "name", "path", "depth", "numchild", "kind", "system", "dissolved_on")


def findings_visible_to(
    user, org: Org | None = None, today: datetime.date | None = None
) -> tuple[list[Org], list[OrgFinding]]:
    """The active organisations ``user`` may see — all of them, or the sub-tree of ``org`` (one
    the caller got from ``services.require_visible``: a grant covers whole sub-trees) — and the
    structure findings about them: for the home page, an organisation's page and the API alike."""
    orgs = (services.visible_to(user) if org is None else Org.objects.in_subtree(org)).active()
    loaded = list(orgs.only(*ORG_FIELDS))
    return loaded, findings_for(orgs, today, loaded)


def findings_in_subtree(findings: list[OrgFinding], org: Org) -> list[OrgFinding]:
    """The findings about an organisation and everything below it."""
    return [f for f in findings if f.org_path.startswith(org.path)]


def rollup_counts(findings: list[OrgFinding], orgs: list[Org]) -> dict[int, int]:
    """For each organisation, how many findings stand in its sub-tree."""
    per_path: dict[str, int] = defaultdict(int)
    for finding in findings:
        path = finding.org_path
        for end in range(Org.steplen, len(path) + 1, Org.steplen):
            per_path[path[:end]] += 1
    return {org.pk: per_path.get(org.path, 0) for org in orgs}
