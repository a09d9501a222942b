"""The annual development plan of a 党委 against what happened: its quota for the year, the
people admitted (the approving 党委 approved, step ⑰, that year), and the 发展对象 and 积极分子 in
the pipeline — for the 党委 and for each organisation directly under it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from dangqun.accounts.roles import APPROVE_DEVELOPMENT
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.core.ids import parse_id
from dangqun.development.models import OPEN, Quota, StepRecord
from dangqun.development.steps import ADMITTED
from dangqun.orgs.models import Org

MAX_QUOTA = 100_000  # more than any 党委 plans (and within the 32-bit column)


@dataclass
class PlanRow:
    org: Org
    quota: int | None = None
    admitted: int = 0
    candidates: int = 0  # 发展对象: steps ⑦ to ⑯ done
    activists: int = 0  # 积极分子: steps ③ to ⑥ done

    @property
    def progress(self) -> int | None:
        """Admitted as a share of the quota, in per cent."""
        return round(100 * self.admitted / self.quota) if self.quota else None


def year_in(text: str, today: dt.date) -> int:
    """The plan year asked for (from 2000 to next year), else this year."""
    year = parse_id(text)
    return year if year and 2000 <= year <= today.year + 1 else today.year


def may_set_quota(user, org: Org) -> bool:
    return Scope.of(user).can(APPROVE_DEVELOPMENT, org)


def plan(cases: QuerySet, org: Org, year: int) -> tuple[PlanRow, list[PlanRow]]:
    """The organisation's row and one per child, from the cases the user may see (four
    queries whatever the number of cases)."""
    children = list(Org.objects.filter(path__startswith=org.path, depth=org.depth + 1))
    total = PlanRow(org)
    rows = {child.path: PlanRow(child) for child in children}
    quotas = dict(
        Quota.objects.filter(org__in=[org, *children], year=year).values_list("org_id", "quota")
    )
    total.quota = quotas.get(org.pk)
    for row in rows.values():
        row.quota = quotas.get(row.org.pk)
    steplen = Org.steplen
    width = (org.depth + 1) * steplen

    def holder(path: str) -> PlanRow | None:
        return rows.get(path[:width])

    admitted = StepRecord.objects.filter(
        number=ADMITTED,
        details__approved=True,
        done_on__year=year,
        case__in=cases.filter(branch__path__startswith=org.path),
    ).values_list("case__branch__path", flat=True)
    for path in admitted:
        total.admitted += 1
        if row := holder(path):
            row.admitted += 1
    pipeline = (
        cases.filter(branch__path__startswith=org.path, status__in=OPEN)
        .values("branch__path")
        .annotate(
            candidates=Count("pk", filter=Q(step__range=(7, 16))),
            activists=Count("pk", filter=Q(step__range=(3, 6))),
        )
        .values_list("branch__path", "candidates", "activists")
        .order_by()
    )
    for path, candidates, activists in pipeline:
        total.candidates += candidates
        total.activists += activists
        if row := holder(path):
            row.candidates += candidates
            row.activists += activists
    return total, sorted(rows.values(), key=lambda r: r.org.path)


def set_quota(actor, org: Org, year: int, quota: int, note: str = "") -> Quota:
    """The 党委 sets (or changes) its plan for the year; audited."""
    require(may_set_quota(actor, org), "您无权制定该党组织的发展计划")
    if quota < 0:
        raise ValidationError({"quota": "计划发展人数不能为负数"})
    if quota > MAX_QUOTA:
        raise ValidationError({"quota": f"计划发展人数不能超过 {MAX_QUOTA}"})
    with transaction.atomic():
        before = Quota.objects.filter(org=org, year=year).values_list("quota", flat=True).first()
        row, _ = Quota.objects.update_or_create(
            org=org,
            year=year,
            defaults={"quota": quota, "note": (note or "").strip()[:200], "set_by": actor},
        )
        audit.record(
            actor,
            "development.quota",
            org,
            before={"year": year, "quota": before} if before is not None else None,
            after={"year": year, "quota": quota},
        )
    return row
