"""发展党员's cards on the 工作台 (``core.cards``): an applicant's own case, the steps a branch or
a 党委 has due (from ``Case.next_due_on``, kept by the services) and those waiting for the 党委,
and the year's admissions against the plan and the year before."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.urls import reverse

from dangqun.accounts.roles import APPROVE_DEVELOPMENT, MANAGE_DEVELOPMENT, VIEW_DEVELOPMENT
from dangqun.accounts.scope import Scope
from dangqun.core.cards import Card, Number, Shown, has_person, register
from dangqun.development import board, services
from dangqun.development.models import OPEN, Case, Quota, StepRecord
from dangqun.development.steps import ADMITTED, COMMITTEE, STEPS

# A case whose last step done is one of these waits for the approving 党委's next step.
BEFORE_COMMITTEE = frozenset(n - 1 for n, s in STEPS.items() if s.by == COMMITTEE)


def _mine(user, today: dt.date) -> Shown | None:
    case = Case.objects.filter(person_id=user.person_id, status__in=OPEN).order_by("-pk").first()
    if case is None:
        return None
    step = STEPS[case.step]
    url = reverse("development:detail", args=[case.pk])
    numbers = [Number("已完成", f"{step.mark} {step.name}", url)]
    if case.next_due_on:
        late = case.next_due_on < today
        numbers.append(
            Number("下一期限", f"{case.next_due_on:%Y-%m-%d}", url, "danger" if late else "")
        )
    text = (
        f"下一步：{case.next_due}，请与支部联系。"
        if case.next_due
        else "请按支部安排参加培养教育。"
    )
    return Shown("development.mine", "我的入党进程", numbers, text)


def _works(user) -> bool:
    scope = Scope.of(user)
    return scope.has(MANAGE_DEVELOPMENT) or scope.has(APPROVE_DEVELOPMENT)


def _top_org(user):
    """The top party organisation of the user's 发展党员 scope, or None (a grant on an enterprise
    unit alone covers no party organisation)."""
    try:
        return services.chosen_org(user, "")
    except Http404:
        return None


def _due(user, today: dt.date) -> Shown | None:
    org = _top_org(user)
    if org is None:
        return None
    soon_by = today + dt.timedelta(days=board.SOON)
    cases = services.visible_to(user).filter(branch__path__startswith=org.path, status__in=OPEN)
    counts = cases.aggregate(
        overdue=Count("pk", filter=Q(next_due_on__lt=today)),
        soon=Count("pk", filter=Q(next_due_on__gte=today, next_due_on__lte=soon_by)),
        waiting=Count("pk", filter=Q(step__in=BEFORE_COMMITTEE)),
    )
    url = f"{reverse('development:board')}?org={org.pk}"
    numbers = [
        Number("步骤已超期", counts["overdue"], f"{url}#overdue", "danger"),
        Number(f"{board.SOON} 天内到期", counts["soon"], f"{url}#soon", "warning"),
    ]
    if Scope.of(user).has(APPROVE_DEVELOPMENT):
        numbers.append(Number("待党委审批或备案", counts["waiting"], url, "warning"))
    if counts["overdue"]:
        text = f"{counts['overdue']} 名发展对象的步骤已超过期限，请尽快办理（《中国共产党发展党员工作细则》）。"
    elif counts["soon"]:
        text = f"{counts['soon']} 个步骤将在 {board.SOON} 天内到期，请提前安排。"
    else:
        text = "发展党员各步骤都在期限内。"
    return Shown("development.due", "发展党员待办", numbers, text)


def _views(user) -> bool:
    return Scope.of(user).has(VIEW_DEVELOPMENT)


def _plan(user, today: dt.date) -> Shown | None:
    org = _top_org(user)
    if org is None:
        return None
    cases = services.visible_to(user).filter(branch__path__startswith=org.path)
    rows = (
        StepRecord.objects.filter(
            number=ADMITTED,
            details__approved=True,
            done_on__year__gte=today.year - 1,
            case__in=cases.values("pk"),
        )
        .annotate(year=ExtractYear("done_on"), month=ExtractMonth("done_on"))
        .values_list("year", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_month = {(year, month): n for year, month, n in rows}
    this = sum(n for (year, _), n in per_month.items() if year == today.year)
    last = sum(n for (year, _), n in per_month.items() if year == today.year - 1)
    quota = Quota.objects.filter(org=org, year=today.year).values_list("quota", flat=True).first()
    url = f"{reverse('development:plan')}?org={org.pk}&year={today.year}"
    numbers = [
        Number(f"{today.year}年已发展（去年 {last}）", this, url),
        Number("年度计划", quota if quota is not None else "未定", url),
    ]
    if quota:
        numbers.append(Number("完成计划", f"{round(100 * this / quota)}%", url, "success"))
        text = f"{org.name}今年计划发展 {quota} 名，已完成 {this} 名。"
    else:
        text = f"{org.name}尚未填写 {today.year} 年发展计划。"

    def running(year: int) -> list[int | None]:
        total, out = 0, []
        for month in range(1, 13):
            if year == today.year and month > today.month:
                out.append(None)  # months still to come: no bar, not a fall to 0
                continue
            total += per_month.get((year, month), 0)
            out.append(total)
        return out

    chart = {
        "kind": "line",
        "unit": "名",
        "labels": [f"{m}月" for m in range(1, 13)],
        "partial_last": False,
        "series": [
            {"name": f"{today.year}年累计", "data": running(today.year)},
            {"name": f"{today.year - 1}年累计", "data": running(today.year - 1)},
        ],
    }
    return Shown("development.plan", "发展党员（今年与去年）", numbers, text, chart=chart)


register(Card("development.mine", "我的入党进程", shows=has_person, compute=_mine, order=30))
register(Card("development.due", "发展党员待办", shows=_works, compute=_due, order=60))
register(Card("development.plan", "发展党员计划", shows=_views, compute=_plan, order=84, slow=True))
