"""The pipeline board of a branch or a 党委: open cases per stage, the steps overdue and the
deadlines of the next 30 days (from ``Case.next_due_on``, kept by the services), in a fixed
number of queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from dangqun.development.models import OPEN, Case
from dangqun.development.steps import STAGES, stage_of
from dangqun.orgs.models import Org

LISTED = 50  # cases shown in each list; the counts are complete
SOON = 30  # days


@dataclass
class Board:
    org: Org
    stages: list[tuple[int, str, int]]  # stage, name, open cases
    overdue: list[Case]
    overdue_count: int
    soon: list[Case]
    soon_count: int

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.stages)


def board(cases: QuerySet, org: Org, today: dt.date) -> Board:
    """``cases``: those the user may see; ``org``: the branch or 党委 looked at."""
    mine = cases.filter(branch__path__startswith=org.path, status__in=OPEN)
    per_stage = dict.fromkeys(STAGES, 0)
    for step, n in mine.values_list("step").annotate(n=Count("pk")).order_by():
        per_stage[stage_of(step)] += n
    listed = mine.select_related("person", "branch").order_by("next_due_on", "pk")
    overdue = listed.filter(next_due_on__lt=today)
    soon = listed.filter(next_due_on__gte=today, next_due_on__lte=today + dt.timedelta(days=SOON))
    return Board(
        org=org,
        stages=[(stage, STAGES[stage], per_stage[stage]) for stage in STAGES],
        overdue=list(overdue[:LISTED]),
        overdue_count=overdue.count(),
        soon=list(soon[:LISTED]),
        soon_count=soon.count(),
    )
