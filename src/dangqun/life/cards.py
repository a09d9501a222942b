"""组织生活's cards on the 工作台 (``core.cards``): a person's next meeting and meetings attended
this year (their 学时 are 学习培训's card, from the one ledger), what a
branch still owes this period by the cadence rules (§2) and who nears six months without
organisation life (§5), and a 党委's or leader's month against the last — all from the monthly
tallies (decision 0013) and a fixed number of queries whatever the number of organisations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_LIFE, VIEW_LIFE
from dangqun.accounts.scope import Scope
from dangqun.core.cards import Card, Number, Shown, has_person, register
from dangqun.core.dates import add_months
from dangqun.core.rules import get_rule
from dangqun.life import attendance, cadence, services
from dangqun.life.models import Kind, MeetingTally, Standing, Status
from dangqun.life.radar import RADAR_ORG_KINDS
from dangqun.orgs.models import Term

CHART_MONTHS = 6
OWED_LISTED = 5  # lines of what is owed shown on the card; the count is complete


def _mine(user, today: dt.date) -> Shown:
    upcoming = services.attending(user).filter(
        status=Status.PLANNED, starts_at__gte=timezone.now() - dt.timedelta(hours=3)
    )
    following = upcoming.select_related("org").order_by("starts_at", "pk").first()
    waiting = upcoming.count()
    attended = attendance.attended_in(user.person_id, today.year)
    index = reverse("life:index")
    numbers = [
        Number("待参加", waiting, f"{index}?show=upcoming"),
        Number(
            f"{today.year}年已参加", attended, f"{index}?show=held", "success" if attended else ""
        ),
    ]
    action = None
    if following is not None:
        when = timezone.localtime(following.starts_at)
        detail = reverse("life:detail", args=[following.pk])
        step = (
            f"下次：{when:%m月%d日 %H:%M} {following.org.name}{following.get_kind_display()}"
            f"{'，地点 ' + following.place if getattr(following, 'place', '') else ''}；"
            "到会后扫描会场二维码签到。"
        )
        action = ("查看会议并签到", f"{detail}#checkin-card")
    else:
        step = "近期没有安排您参加的组织生活。"
    return Shown("life.mine", "我的组织生活", numbers, step, action=action)


def _keeps(user) -> bool:
    """Keeps the meetings of some organisation (a 组织生活 role over a 工会 committee alone keeps
    none: its meetings are its branches')."""
    return Scope.of(user).has(MANAGE_LIFE) and services.may_schedule(user)


@dataclass(frozen=True)
class Owed:
    """What the organisations owe this period: how many (organisation, rule) pairs fall short,
    the first ``OWED_LISTED`` of them by organisation name as lines, the first one's citation, and
    how many organisations were looked at."""

    count: int
    lines: list[str]
    citation: str
    orgs: int


def _owed(orgs, today: dt.date) -> Owed:
    """What each cadence rule's current period still needs, from the tallies: one query per kind
    of period (month, quarter, year). Every shortfall is counted; only the listed ones are worded."""
    committees = set(
        Term.objects.filter(org__in=orgs, closed_on__isnull=True, has_committee=True).values_list(
            "org_id", flat=True
        )
    )
    found = list(orgs.values_list("pk", "name", "kind"))
    rules = {k: cadence.cadence(k) for k in cadence.BRANCH_CADENCE + cadence.GROUP_CADENCE}
    labels = {k: cadence.period_of(today, rule.per).label + rule.label for k, rule in rules.items()}
    held: dict[tuple[int, str], int] = defaultdict(int)
    for per in {rule.per for rule in rules.values()}:
        period = cadence.period_of(today, per)
        these = [k for k, rule in rules.items() if rule.per == per]
        rows = (
            MeetingTally.objects.filter(
                org__in=orgs, kind__in=these, month__gte=period.start, month__lt=period.end
            )
            .values("org_id", "kind")
            .annotate(n=Sum("held"))
            .values_list("org_id", "kind", "n")
            .order_by()
        )
        for org_id, kind, n in rows:
            held[org_id, kind] += n
    count, lines, citation = 0, [], ""
    for pk, name, org_kind in sorted(found, key=lambda row: row[1]):
        for kind in cadence.due_kinds(org_kind, pk in committees):
            more = rules[kind].times - held.get((pk, kind), 0)
            if more > 0:
                count += 1
                if len(lines) < OWED_LISTED:
                    lines.append(f"{name}：{labels[kind]}还差 {more} 次")
                    citation = citation or rules[kind].rule.citation
    return Owed(count, lines, citation, len(found))


def _keeping(user, today: dt.date) -> Shown:
    scope = Scope.of(user)
    orgs = scope.orgs(MANAGE_LIFE).filter(kind__in=RADAR_ORG_KINDS, dissolved_on__isnull=True)
    owed = _owed(orgs, today)
    index = reverse("life:index")
    # a 工会 or 团委 administrator keeps meetings but no party organisation: no radar to open
    radar = reverse("life:radar") if owed.orgs else index
    rule = get_rule("life.no_life")
    # whole months since the last time came (or first expected) ≥ warn_months, as the radar
    # counts them (core.dates.months_between): since ≤ today less warn_months, in local time
    last_day = add_months(today, -rule["warn_months"]) + dt.timedelta(days=1)
    cutoff = dt.datetime.combine(last_day, dt.time.min, tzinfo=timezone.get_current_timezone())
    standing = (
        Standing.objects.filter(
            person__party_branch__in=orgs.values("pk"), person__is_current_member=True
        )
        .annotate(since=Coalesce("last_present_at", "first_expected_at"))
        .filter(since__lt=cutoff)
    )
    nearing_count = standing.count()
    nearing = [
        (name, timezone.localtime(since).date())
        for name, since in standing.values_list("person__name", "since").order_by("since", "pk")[
            :OWED_LISTED
        ]
    ]
    numbers = [
        Number("本期应开未开", owed.count, radar, "warning" if owed.count else ""),
        Number(
            "待召开",
            services.listed_for(user).filter(status=Status.PLANNED).count(),
            f"{index}?show=upcoming",
        ),
        Number("临近 6 个月未参加", nearing_count, radar, "danger" if nearing_count else ""),
    ]
    lines = owed.lines + [
        f"{name}：自 {since:%Y-%m-%d} 未参加组织生活" for name, since in nearing[:OWED_LISTED]
    ]
    if owed.count:
        step = f"本期还有 {owed.count} 项组织生活未召开，请安排会议（依据：{owed.citation}等）。"
    elif nearing_count:
        step = f"{nearing_count} 名党员临近 6 个月未参加组织生活，请谈心谈话并通知参加（依据：{rule.citation}）。"
    else:
        step = "本期应开的组织生活都已召开。"
    return Shown(
        "life.keeping",
        "组织生活待办",
        numbers,
        step,
        action=("安排会议", reverse("life:new")),
        template="life/_card_keeping.html",
        extra={"lines": lines},
    )


def _views(user) -> bool:
    return Scope.of(user).has(VIEW_LIFE)


def _overview(user, today: dt.date) -> Shown:
    scope = Scope.of(user)
    orgs = (scope.orgs(VIEW_LIFE) | scope.orgs(MANAGE_LIFE)).values("pk")
    this = today.replace(day=1)
    first = add_months(this, -(CHART_MONTHS - 1))
    months = [add_months(first, i) for i in range(CHART_MONTHS)]
    rows = (
        MeetingTally.objects.filter(org__in=orgs, month__gte=first, month__lte=this)
        .values("month")
        .annotate(
            n_held=Sum("held"),
            n_expected=Sum("expected"),
            n_present=Sum("present"),
            n_theme=Count("org", filter=Q(kind=Kind.THEME_DAY, held__gt=0), distinct=True),
        )
        .values_list("month", "n_held", "n_expected", "n_present", "n_theme")
        .order_by()
    )
    by_month = {
        month: (held, expected, present, theme) for month, held, expected, present, theme in rows
    }
    branches = (
        scope.orgs(VIEW_LIFE)
        .filter(kind__in=RADAR_ORG_KINDS, dissolved_on__isnull=True)
        .exclude(kind="party_group")
        .count()
    )
    now, last = by_month.get(this, (0, 0, 0, 0)), by_month.get(months[-2], (0, 0, 0, 0))

    def rate(row) -> str:
        return f"{row[2] / row[1] * 100:.1f}%" if row[1] else "—"

    calendar = reverse("life:calendar")
    radar = reverse("life:radar") if branches else calendar
    numbers = [
        Number(f"本月已召开（上月 {last[0]}）", now[0], f"{calendar}?month={this:%Y-%m}"),
        Number(f"开展主题党日的支部（上月 {last[3]}）", f"{now[3]}/{branches}", radar),
        Number(f"到会率（上月 {rate(last)}）", rate(now), radar),
    ]
    if branches and now[3] < branches:
        step = f"本月还有 {branches - now[3]} 个支部未开展主题党日，请查看组织生活统计并督促。"
    else:
        step = "本月各支部均已开展主题党日。"
    chart = {
        "kind": "bar",
        "unit": "次",
        "labels": [f"{m.year}年{m.month}月" for m in months],
        "partial_last": True,
        "series": [{"name": "已召开", "data": [by_month.get(m, (0,))[0] for m in months]}],
    }
    return Shown("life.overview", "组织生活（本月至今与上月）", numbers, step, chart=chart)


register(Card("life.mine", "我的组织生活", shows=has_person, compute=_mine, order=20))
register(Card("life.keeping", "组织生活待办", shows=_keeps, compute=_keeping, order=55, slow=True))
register(Card("life.overview", "组织生活", shows=_views, compute=_overview, order=82, slow=True))
