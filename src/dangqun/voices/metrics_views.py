"""呼声办理统计: 响应率, 解决率, 满意率 and the composite for a period and grouping (page and xlsx), and
the monthly trend (page and JSON, for a chart). Numbers come from ``metrics``; every view counts
the voices raised in or handled by the sub-trees the user may view voices of (``counted``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import urlencode

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone

from dangqun.accounts.roles import VIEW_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.core.rules import get_rule
from dangqun.orgs.models import Org
from dangqun.voices import services
from dangqun.voices.metrics import (
    GROUP_LABELS,
    GROUPS,
    RULE,
    RateRow,
    add_months,
    monthly_trend,
    table,
)
from dangqun.voices.models import Voice, VoiceTally
from dangqun.web.htmx import render_page

DEFAULT_BY = "handling_org"
TREND_MONTHS = 12
MAX_TREND_MONTHS = 36
FIRST_YEAR = 1990  # earlier (or absurd) dates are refused rather than sent to the database
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


def read_period(request) -> Period:
    """The chosen months and grouping; this month when none or bad ones are given. A month is
    written 2025-03; a full date (2025-03-15) stands for its month."""
    this_month = timezone.localdate().replace(day=1)
    by = request.GET.get("by") or DEFAULT_BY
    by = by if by in GROUPS else DEFAULT_BY
    default = Period(this_month, this_month, by)
    raw_start = request.GET.get("start", "").strip()
    raw_end = request.GET.get("end", "").strip()
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


def _require_viewer(user) -> None:
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


def _table(period: Period, user) -> tuple[list[RateRow], RateRow]:
    voices, enterprise = counted(user)
    return table(voices, period.start, period.end_exclusive, period.by, enterprise=enterprise)


# Pages --------------------------------------------------------------------------------------
@login_required
def metrics(request):
    _require_viewer(request.user)
    period = read_period(request)
    rows, total = _table(period, request.user)
    voices, enterprise = counted(request.user)
    trend = monthly_trend(voices, TREND_MONTHS, timezone.localdate(), enterprise=enterprise)
    rule = get_rule(RULE)
    context = {
        "period": period,
        "groups": list(GROUP_LABELS.items()),
        "columns": [(title, "text-end" if wide else NARROW) for title, _, _, wide in COLUMNS],
        "rows": [_display(row, COLUMNS) for row in rows],
        "total": _display(total, COLUMNS),
        "trend_columns": [title for title, *_ in TREND_COLUMNS],
        "trend": [_display(row, TREND_COLUMNS) for row in reversed(trend)],  # newest first
        "formula": rule.explain(),
        "citation": rule.citation,
        "hour_edges": "、".join(f"{edge:g}" for edge in VoiceTally.HOUR_EDGES),
    }
    return render_page(request, "voices/metrics.html", context)


@login_required
def metrics_trend_json(request):
    """The monthly trend for a chart: ``?months=`` (1–36, default 12), oldest month first."""
    _require_viewer(request.user)
    try:
        months = min(max(int(request.GET.get("months", TREND_MONTHS)), 1), MAX_TREND_MONTHS)
    except ValueError:
        months = TREND_MONTHS
    voices, enterprise = counted(request.user)
    trend = monthly_trend(voices, months, timezone.localdate(), enterprise=enterprise)
    rule = get_rule(RULE)
    return JsonResponse(
        {"months": [_plain(row) for row in trend], "rule": rule.explain(), "weights": rule.params},
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def metrics_export(request):
    """The page's table as xlsx; the export is audited."""
    _require_viewer(request.user)
    period = read_period(request)
    if period.error:  # the page's own link only carries dates it has checked
        return HttpResponseBadRequest(period.error, content_type="text/plain; charset=utf-8")
    rows, total = _table(period, request.user)
    content = _xlsx(period, rows, total)
    with transaction.atomic():
        audit.record(
            request.user,
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
    response = HttpResponse(content, content_type=XLSX)
    name = f"voice-metrics-{period.start:%Y%m}-{period.end:%Y%m}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


# Formatting ---------------------------------------------------------------------------------
NARROW = "text-end d-none d-lg-table-cell"  # a column hidden on small screens


def _display(row: RateRow, columns) -> dict:
    """A row as the template shows it: its label and (text, CSS class) cells."""
    return {
        "label": row.label,
        "cells": [
            (_text(getattr(row, field), kind), "text-end" if wide else NARROW)
            for _, field, kind, wide in columns
        ],
    }


def _text(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == RATE:
        return f"{value * 100:.2f}%"
    if kind == HOURS:
        return f"{value:.1f}"
    return str(value)


def _plain(row: RateRow) -> dict:
    return {
        name: float(value) if isinstance(value, Decimal) else value
        for name, value in dataclasses.asdict(row).items()
    }


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


@login_required
def hot_topics(request):
    """本月热点: keywords of this month's voices in the viewer's scope (an HTMX fragment, loaded
    after the page; cached for an hour because it reads up to 5,000 voices' text)."""
    from django.core.cache import cache

    from dangqun.voices import smart

    _require_viewer(request.user)
    month = timezone.localdate().replace(day=1)
    key = f"voices:hot-topics:{request.user.pk}:{month:%Y%m}"
    topics = cache.get(key)
    if topics is None:
        topics = smart.hot_topics(services.visible_to(request.user), month=month)
        cache.set(key, topics, 3600)
    return render_page(request, "voices/_hot_topics.html", {"topics": topics, "month": month})
