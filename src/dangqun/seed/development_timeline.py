"""What becomes of one generated 发展党员 case, and on which days: its outcome (status and last
step), the date of every step done, and the half-yearly assessments, all obeying what the services
check (see ``bulk_development``)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dangqun.core.dates import months_between, months_later
from dangqun.development.models import Status

DAY = dt.timedelta(days=1)

# What becomes of a case, weighted: (status, last step done). Many are early, fewer late; step ⑥
# is an 积极分子's year of 培养教育 and ㉑ a 预备党员's year of probation, so many wait there.
OUTCOMES: list[tuple[str, int, float]] = [
    *[
        (Status.ACTIVE, step, weight)
        for step, weight in {
            **{1: 9, 2: 8, 3: 3, 4: 2, 5: 3, 6: 22, 7: 2, 8: 2, 9: 1.5, 10: 2, 11: 3},
            **{12: 1.5, 13: 1.5, 14: 1.5, 15: 1.5, 16: 1.5},
        }.items()
    ],
    *[
        (Status.PROBATIONARY, step, weight)
        for step, weight in {17: 1, 18: 1, 19: 1, 20: 1.5, 21: 9, 22: 1, 23: 1.5}.items()
    ],
    (Status.FULL, 24, 3),
    (Status.FULL, 25, 4),
    *[(Status.CLOSED, step, 0.5) for step in range(1, 17)],  # withdrawn: 8 in all
    (Status.CLOSED, 17, 0.5),  # admission not approved
    (Status.CLOSED, 24, 0.2),  # 转正 not approved
]
# Days from the last event (the last step, or the closing) to today, by the last step done.
TAIL = {
    1: (0, 40),  # the talk is due within a month: some are late
    2: (0, 200),
    **dict.fromkeys((3, 4, 5), (0, 30)),
    6: (0, 330),
    **dict.fromkeys(range(7, 21), (0, 60)),
    21: (0, 230),
    22: (0, 20),
    23: (0, 100),  # approval due within 3 months of the vote
    24: (0, 400),
    25: (0, 700),
}
CLOSED_TAIL = (0, 700)
LAPSE = 0.12  # share of open cases whose latest half-yearly assessment has not been held
EXTENDED = 0.05  # share of 预备党员 past the 转正 application whose probation was extended
WITHDRAWN = (
    "本人申请撤回入党申请",
    "调离本单位，入党申请材料转交新单位党组织",
    "考察期间表现不符合要求，经支部委员会研究不再列为培养对象",
)


@dataclass
class PlannedCase:
    """One case before it is written."""

    person: int
    branch: int
    approver: int | None
    status: str
    on: dict[int, dt.date]  # step -> date done
    extension: int = 0
    closed_on: dt.date | None = None
    closed_reason: str = ""
    approved: dict[int, bool] = field(default_factory=dict)  # 17, 24
    assessments: list[tuple[int, dt.date]] = field(default_factory=list)  # (6 or 21, date)
    helpers: list[tuple[str, int, str, dt.date]] = field(default_factory=list)  # role, pk, name
    votes: list[dict] = field(default_factory=list)
    next_due_on: dt.date | None = None
    next_due: str = ""


# Planning one case ---------------------------------------------------------------------------
def plan_case(r: random.Random, status: str, last: int, today: dt.date) -> PlannedCase:
    """The case's dates: the application placed so that its last event falls ``TAIL`` days
    before today."""
    skip = set()  # steps the 细则 lets run side by side, one of them not done yet
    if status != Status.CLOSED:
        if last == 5 and r.random() < 0.3:
            skip.add(4)
        elif last in (10, 11) and r.random() < 0.4:
            skip.add(r.choice([n for n in (9, 10, 11) if n < last]))
        elif last == 20 and r.random() < 0.3:
            skip.add(19)
    extension = r.choice((6, 12)) if last in (22, 23, 24, 25) and r.random() < EXTENDED else 0
    tail = r.randint(*(CLOSED_TAIL if status == Status.CLOSED else TAIL[last]))
    goal = today - dt.timedelta(days=tail)  # the day of the last event
    seed = r.getrandbits(64)
    applied = goal
    for _ in range(100):  # earlier and earlier until the last event is on or before the goal
        draw = random.Random(seed)  # noqa: S311 (the same draws at every attempt)
        on = _timeline(draw, applied, last, skip, extension)
        end = on[last]
        if status == Status.CLOSED and last not in (17, 24):  # withdrawn before it was late
            end = min(end + dt.timedelta(days=draw.randint(10, 300)), _late(on) or dt.date.max)
        if end <= goal:
            break
        applied -= dt.timedelta(days=(end - goal).days)
    else:
        raise RuntimeError(f"发展党员日期无法排在 {goal} 之前")
    case = PlannedCase(person=0, branch=0, approver=None, status=status, on=on, extension=extension)
    if status == Status.CLOSED:
        case.closed_on = end
        if last in (17, 24):
            case.approved[last] = False
            case.closed_reason = "上级党委未批准接收" if last == 17 else "上级党委未批准转正"
        else:
            case.closed_reason = draw.choice(WITHDRAWN)
    for number in (17, 24):
        if number in on:
            case.approved.setdefault(number, True)
    _assess(draw, case, today)
    return case


def _timeline(
    r: random.Random, applied: dt.date, last: int, skip: set[int], extension: int
) -> dict[int, dt.date]:
    """The date of every step up to ``last`` but ``skip``, from the application on. All 25 are
    drawn, in the same order, whatever ``last`` is."""

    def after(number: int, low: int, high: int) -> dt.date:
        return on[number] + dt.timedelta(days=r.randint(low, high))

    on = {1: applied}
    on[2] = after(1, 3, 28)  # 28 days are within a month (development.talk)
    on[3] = after(2, 30, 240)
    on[4] = after(3, 3, 30)
    on[5] = after(3, 1, 20)
    on[6] = max(on[4], on[5]) + dt.timedelta(days=r.randint(10, 90))  # first assessment
    candidate = months_later(on[3], 12) + dt.timedelta(days=r.randint(0, 120))
    while months_between(on[3], candidate) < 12:  # development.activist_period
        candidate += DAY
    on[7] = candidate
    on[8] = after(7, 3, 30)
    on[9], on[10], on[11] = after(8, 5, 60), after(8, 5, 60), after(8, 5, 60)
    on[12] = max(on[9], on[10], on[11]) + dt.timedelta(days=r.randint(5, 40))
    on[13] = after(12, 5, 30)
    on[14] = after(13, 3, 20)
    on[15] = after(14, 5, 30)
    on[16] = after(15, 5, 40)
    on[17] = min(after(16, 5, 30), months_later(on[15], 3))  # development.approval
    on[18] = after(17, 5, 30)
    on[19] = after(17, 3, 30)
    on[20] = after(17, 1, 40)
    on[21] = max(on[19], on[20]) + dt.timedelta(days=r.randint(30, 100))  # first assessment
    ends = months_later(on[15], 12 + extension)  # development.probation
    on[22] = ends - dt.timedelta(days=r.randint(0, 30))
    on[23] = ends  # the 支部大会 discusses 转正 when the probation ends
    on[24] = min(after(23, 10, 80), months_later(on[23], 3))
    on[25] = after(24, 5, 60)
    return {n: day for n, day in on.items() if n <= last and n not in skip}


def _late(on: dict[int, dt.date]) -> dt.date | None:
    """The first day a case with these steps done would be late, but for the assessments of
    steps ⑥ and ㉑ (held until the case closes)."""
    due = []
    if 2 not in on:
        due.append(months_later(on[1], 1))
    if 3 in on and 6 not in on:
        due.append(months_later(on[3], 6))
    if 15 in on and 17 not in on:
        due.append(months_later(on[15], 3))
    return min(due, default=None)


def _assess(r: random.Random, case: PlannedCase, today: dt.date) -> None:
    """Half-yearly assessments: from step ⑥ until the 支委会 (⑫), and from step ㉑ until the
    转正 application (㉒), each within six months of the one before; until today (or the
    closing) while the step is open, where some of the latest were not held."""
    on = case.on
    stop = min(case.closed_on or today + DAY, today + DAY)
    for first, until, step in ((6, 12, 6), (21, 22, 21)):
        if first not in on:
            continue
        dates = [on[first]]
        end = on.get(until, stop)
        while True:
            nxt = min(
                dates[-1] + dt.timedelta(days=r.randint(150, 181)), months_later(dates[-1], 6)
            )
            if nxt >= end:
                break
            dates.append(nxt)
        still_open = until not in on and case.status != Status.CLOSED
        if still_open and len(dates) > 1 and r.random() < LAPSE:
            dates.pop()
        case.assessments += [(step, day) for day in dates]
