"""The 三率 report a viewer may read: its period, the voices it counts, its table and its xlsx
export (checked and audited here, for the page and the API alike). The figures are ``metrics``'."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from urllib.parse import urlencode

import xlsxwriter
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangqun.accounts.roles import VIEW_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.core.rules import get_rule
from dangqun.orgs.models import Org
from dangqun.voices.metrics import GROUP_LABELS, GROUPS, RULE, RateRow, add_months, table
from dangqun.voices.models import Voice

DEFAULT_BY = "handling_org"
FIRST_YEAR = 1990  # earlier (or absurd) dates are refused rather than sent to the database

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


@dataclasses.dataclass(frozen=True)
class Period:
    """Whole calendar months, as 三率 are reported: ``start`` and ``end`` are the first days of the
    first and the last month (inclusive)."""

    start: dt.date
    end: dt.date
    by: str
    error: str = ""

    @property
    def end_exclusive(self) -> dt.date:
        return add_months(self.end, 1)

    @property
    def by_label(self) -> str:
        return GROUP_LABELS[self.by]

    @property
    def label(self) -> str:
        first = f"{self.start.year}年{self.start.month}月"
        last = f"{self.end.year}年{self.end.month}月"
        return first if first == last else f"{first} 至 {last}"

    def query(self) -> str:
        return urlencode(
            {"start": f"{self.start:%Y-%m}", "end": f"{self.end:%Y-%m}", "by": self.by}
        )


MAX_PERIOD_MONTHS = 36


def period_of(params) -> Period:
    """The months and grouping ``params`` (a query's ``start``, ``end``, ``by``) choose; this month
    when none or bad ones are given. A month is written 2025-03; a full date (2025-03-15) stands
    for its month."""
    this_month = timezone.localdate().replace(day=1)
    by = params.get("by") or DEFAULT_BY
    by = by if by in GROUPS else DEFAULT_BY
    default = Period(this_month, this_month, by)
    raw_start = params.get("start", "").strip()
    raw_end = params.get("end", "").strip()
    if not raw_start and not raw_end:
        return default
    try:
        start = _month(raw_start) if raw_start else default.start
        end = _month(raw_end) if raw_end else default.end
    except ValueError:
        return dataclasses.replace(
            default, error="月份格式不正确（应如 2025-03），已显示本月的统计"
        )
    if start.year < FIRST_YEAR or end.year > this_month.year + 1:
        return dataclasses.replace(default, error="月份超出可统计的范围，已显示本月的统计")
    if start > end:
        return dataclasses.replace(default, error="开始月份不能晚于结束月份，已显示本月的统计")
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_PERIOD_MONTHS:
        return dataclasses.replace(
            default, error="统计区间不能超过 36 个月，请缩短区间；已显示本月的统计"
        )
    return Period(start, end, by)


def _month(text: str) -> dt.date:
    if len(text) == 7:
        text += "-01"
    return dt.date.fromisoformat(text).replace(day=1)


def require_viewer(user) -> None:
    """Anyone who views voices somewhere reads their 三率."""
    require(Scope.of(user).has(VIEW_VOICES), "您没有查看群众呼声统计的权限")


def counted(user) -> tuple[QuerySet, str | None]:
    """The voices the user's 三率 count (raised in or handled by the sub-trees they may view
    voices of) and, when that is a whole enterprise, its path: its monthly tallies then serve."""
    scope = Scope.of(user)
    paths = set(scope.covered_paths(VIEW_VOICES))
    outer = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    voices = Voice.objects.filter(scope.within(VIEW_VOICES, "unit", "handling_org"))
    whole = len(outer) == 1 and len(outer[0]) == Org.steplen
    return voices, outer[0] if whole else None


def report_table(user, period: Period) -> tuple[list[RateRow], RateRow]:
    """The rows (one per group of ``period.by``) and the total of the user's 三率 over ``period``."""
    voices, enterprise = counted(user)
    return table(voices, period.start, period.end_exclusive, period.by, enterprise=enterprise)


def export_xlsx(user, period: Period) -> bytes:
    """The report's table as an xlsx workbook, for a viewer; the export is audited."""
    require_viewer(user)
    rows, total = report_table(user, period)
    content = _xlsx(period, rows, total)
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


def _xlsx(period: Period, rows: list[RateRow], total: RateRow) -> bytes:
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
