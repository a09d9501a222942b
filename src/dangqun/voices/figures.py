"""The 三率 figures a viewer reads, for the page and the API alike: who may read them
(``require_viewer``), which voices count (``counted``), the table of a period, the monthly trend,
hot topics of any period, and the table as an xlsx export (audited here). The numbers themselves
come from ``metrics``."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import xlsxwriter
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangqun.accounts.roles import HANDLE_VOICES, VIEW_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.core.dates import add_months
from dangqun.core.rules import get_rule
from dangqun.orgs import services as orgs_services
from dangqun.orgs.models import Org, System
from dangqun.voices import services
from dangqun.voices.metrics import RULE, RateRow, monthly_trend, table
from dangqun.voices.models import Voice
from dangqun.voices.periods import Period, Window

TREND_MONTHS = 12
MAX_TREND_MONTHS = 36
HOT_TOPICS_SECONDS = 3600  # a period's topics are kept for an hour
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COUNT, RATE, HOURS = "count", "rate", "hours"
# (title, RateRow field, kind, shown on small screens)
COLUMNS = [
    ("有效件数", "valid", COUNT, True),
    ("已响应", "responded", COUNT, False),
    ("已解决", "solved", COUNT, False),
    ("满意", "satisfied", COUNT, False),
    ("基本满意", "basically", COUNT, False),
    ("不满意", "unsatisfied", COUNT, False),
    ("已评价", "rated", COUNT, False),
    ("响应超时", "overdue_response", COUNT, False),
    ("响应率", "response_rate", RATE, True),
    ("解决率", "resolution_rate", RATE, True),
    ("满意率", "satisfaction_rate", RATE, True),
    ("综合得分", "composite", RATE, True),
    ("已评价件满意率", "satisfaction_among_rated", RATE, False),
    ("响应用时中位数（工作小时）", "median_response_hours", HOURS, False),
    ("办理用时中位数（工作小时）", "median_resolution_hours", HOURS, False),
]
TREND_COLUMNS = [c for c in COLUMNS if c[1] in ("valid", "rated") or c[2] == RATE]


def require_viewer(user) -> None:
    """PermissionDenied unless the user may read 三率 (查看 over voices somewhere)."""
    require(Scope.of(user).has(VIEW_VOICES), "您没有查看群众呼声统计的权限")


def counted(user) -> tuple[QuerySet, str | None]:
    """The voices the user's 三率 count (raised in or handled by the sub-trees they may view
    voices of) and, when that is a whole enterprise, its path: its monthly tallies then serve."""
    scope = Scope.of(user)
    paths = set(scope.covered_paths(VIEW_VOICES))
    outer = _holding_voices(
        [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    )
    voices = Voice.objects.filter(scope.within(VIEW_VOICES, "unit", "handling_org"))
    whole = len(outer) == 1 and len(outer[0]) == Org.steplen
    return voices, outer[0] if whole else None


def _holding_voices(outer: list[str]) -> list[str]:
    """The sub-trees among ``outer`` that can hold voices. A voice is raised in an enterprise unit
    (``intake.submit`` refuses any other), so a party tree adds none unless one is handled in it;
    dropping such a tree changes no count and lets a leader over the enterprise and its party
    (the demo 领导) read the enterprise's tallies. One or two queries, whatever the tree's size."""
    if len(outer) <= 1:
        return outer
    systems = dict(Org.objects.filter(path__in=outer).values_list("path", "system"))
    return [
        path
        for path in outer
        if systems.get(path) == System.ENTERPRISE
        or Org.objects.filter(path__startswith=path)
        .filter(Exists(Voice.objects.filter(handling_org=OuterRef("pk"))))
        .exists()  # from the tree's organisations: an index probe each, not a scan of the voices
    ]


def period_table(user, period: Period) -> tuple[list[RateRow], RateRow]:
    """The rows of ``period`` grouped by ``period.by`` and their 合计, over the user's voices."""
    voices, enterprise = counted(user)
    return table(voices, period.start, period.end_exclusive, period.by, enterprise=enterprise)


def trend(user, months: int = TREND_MONTHS) -> list[RateRow]:
    """One row per month for the ``months`` months up to this one, oldest first."""
    voices, enterprise = counted(user)
    return monthly_trend(voices, months, timezone.localdate(), enterprise=enterprise)


SO_FAR = "本月截至今日"


def so_far(today: dt.date | None = None) -> dict:
    """This month, which is not over: its voices are still being handled and rated, so its rates
    are low by nature; the page's chart draws it dashed and its table labels it, the API marks it
    ``partial`` — never read as a fall."""
    today = today or timezone.localdate()
    return {
        "key": f"{today:%Y-%m}",
        "label": SO_FAR,
        "through": today.isoformat(),
        "note": (
            f"{today.year}年{today.month}月为{SO_FAR}（{today.month}月{today.day}日）的数字，"
            "以虚线表示：本月尚未结束，许多呼声仍在办理或等待评价，各率偏低，不代表下降。"
        ),
    }


def counted_through(month: dt.date, today: dt.date | None = None) -> tuple[bool, dt.date]:
    """Whether the month of ``month`` is not over yet (``partial``) and the last day its figures
    count: the month's last day, or today for this month."""
    today = today or timezone.localdate()
    first = month.replace(day=1)
    if first == today.replace(day=1):
        return True, today
    return False, add_months(first, 1) - dt.timedelta(days=1)


def topic_scope(user, org_pk: int | None = None) -> tuple[QuerySet, Org | None]:
    """The voices whose topics the user reads: those they may open as staff, or only those raised
    in or handled by ``org_pk``'s sub-tree (an organisation they may see, else 404)."""
    voices = services.in_scope(user)
    if org_pk is None:
        if Scope.of(user).covers_every_unit(VIEW_VOICES):
            # every voice is raised in an enterprise unit (intake refuses others): all of them,
            # without a filter by thousands of organisations
            voices = Voice.objects.all()
        return voices, None
    org = orgs_services.require_visible(user, org_pk)
    subtree = Org.objects.filter(path__startswith=org.path).values(
        "pk"
    )  # a sub-query, not 18,000 ids
    return voices.filter(Q(unit__in=subtree) | Q(handling_org__in=subtree)), org


TOPIC_ORGS = 200  # organisations offered for hot topics at most


def topic_orgs(user) -> list[tuple[int, str, int]]:
    """The enterprise organisations a viewer may narrow hot topics to: the top of each sub-tree
    they view voices of and the level below (id, name, depth), at most ``TOPIC_ORGS``. One query."""
    paths = Scope.of(user).covered_paths(VIEW_VOICES)
    if not paths:
        return []
    within = Q(pk__in=[])
    for path in paths:
        within |= Q(path__startswith=path)
    depth = min(len(path) for path in paths) // Org.steplen + 1
    rows = Org.objects.filter(within, system=System.ENTERPRISE, depth__lte=depth)
    return list(rows.order_by("path").values_list("pk", "name", "depth")[:TOPIC_ORGS])


def hot_topics(user, window: Window, org_pk: int | None = None):
    """The hot topics (``topics.HotTopics``) of ``window`` among the voices the user may open
    (perhaps of one organisation); cached per scope, organisation and period for
    ``HOT_TOPICS_SECONDS``. The key holds the sub-trees the user's grants cover, so a changed
    grant never reads another scope's topics."""
    # import here: topics loads jieba and scikit-learn, which most processes never need
    from dangqun.voices import topics

    require_viewer(user)
    voices, _ = topic_scope(user, org_pk)
    scope = Scope.of(user)
    paths = sorted(
        {f"v{path}" for path in scope.covered_paths(VIEW_VOICES)}
        | {f"h{path}" for path in scope.covered_paths(HANDLE_VOICES)}
    )
    digest = hashlib.sha256(" ".join(paths).encode()).hexdigest()[:24]
    key = f"voices:topics:{digest}:{org_pk or ''}:{window.start}:{window.end}"
    found = cache.get(key)
    if found is None:
        found = topics.hot_topics(voices, window)
        cache.set(key, found, HOT_TOPICS_SECONDS)
    return found


def export_table(user, period: Period) -> bytes:
    """The period's table as an xlsx workbook, for a viewer; the export is audited."""
    require_viewer(user)
    rows, total = period_table(user, period)
    content = table_xlsx(period, rows, total)
    with transaction.atomic():
        audit.record(
            user,
            "voices.export",
            object_type="voices.voice",
            object_repr=f"导出呼声办理统计 {period.label}（按{period.by_label}）",
            after={
                "start": f"{period.start:%Y-%m}",
                "end": f"{period.end:%Y-%m}",
                "by": period.by,
                "rows": len(rows),
            },
        )
    return content


def export_name(period: Period) -> str:
    return f"voice-metrics-{period.start:%Y%m}-{period.end:%Y%m}.xlsx"


def table_xlsx(period: Period, rows: list[RateRow], total: RateRow) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("呼声办理统计")
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "text_wrap": True})
    formats = {
        COUNT: None,
        RATE: workbook.add_format({"num_format": "0.00%"}),
        HOURS: workbook.add_format({"num_format": "0.0"}),
    }
    sheet.write_row(0, 0, [period.by_label, *(title for title, *_ in COLUMNS)], header)
    for index, row in enumerate([*rows, total], start=1):
        sheet.write_string(index, 0, row.label, bold if row is total else None)
        for col, (_, field, kind, _) in enumerate(COLUMNS, start=1):
            value = getattr(row, field)
            if value is not None:
                sheet.write_number(index, col, float(value), formats[kind])
    rule = get_rule(RULE)
    note = len(rows) + 3
    sheet.write_string(note, 0, f"统计期间：{period.label}（按提交时间）")
    sheet.write_string(note + 1, 0, rule.explain())
    sheet.write_string(note + 2, 0, f"依据：{rule.citation}")
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, len(COLUMNS), 11)
    workbook.close()
    return buffer.getvalue()
