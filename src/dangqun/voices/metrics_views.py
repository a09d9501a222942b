"""呼声办理统计: 响应率, 解决率, 满意率 and the composite for a period and grouping (page and xlsx), and
the monthly trend (page and JSON, for a chart). Numbers come from ``metrics``; every view counts
the voices raised in or handled by the sub-trees the user may view voices of
(``metrics_report.counted``); ``metrics_report`` also checks and audits the export."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone

from dangqun.core.rules import get_rule
from dangqun.voices import services
from dangqun.voices.metrics import GROUP_LABELS, RULE, RateRow, monthly_trend
from dangqun.voices.metrics_report import (
    COLUMNS,
    HOURS,
    RATE,
    TREND_COLUMNS,
    Period,
    counted,
    export_xlsx,
    period_of,
    report_table,
    require_viewer,
)
from dangqun.voices.models import VoiceTally
from dangqun.web.htmx import render_page

TREND_MONTHS = 12
MAX_TREND_MONTHS = 36
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_period(request) -> Period:
    """The months and grouping the page's query chooses (``metrics_report.period_of``)."""
    return period_of(request.GET)


# Pages --------------------------------------------------------------------------------------
@login_required
def metrics(request):
    require_viewer(request.user)
    period = read_period(request)
    rows, total = report_table(request.user, period)
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
    require_viewer(request.user)
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
    """The page's table as xlsx; ``metrics_report.export_xlsx`` audits the export."""
    period = read_period(request)
    require_viewer(request.user)
    if period.error:  # the page's own link only carries dates it has checked
        return HttpResponseBadRequest(period.error, content_type="text/plain; charset=utf-8")
    content = export_xlsx(request.user, period)
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


@login_required
def hot_topics(request):
    """本月热点: keywords of this month's voices in the viewer's scope (an HTMX fragment, loaded
    after the page; cached for an hour because it reads up to 5,000 voices' text)."""
    # import here: smart loads jieba and scikit-learn, which most processes never need
    from dangqun.voices import smart

    require_viewer(request.user)
    month = timezone.localdate().replace(day=1)
    key = f"voices:hot-topics:{request.user.pk}:{month:%Y%m}"
    topics = cache.get(key)
    if topics is None:
        topics = smart.hot_topics(services.visible_to(request.user), month=month)
        cache.set(key, topics, 3600)
    return render_page(request, "voices/_hot_topics.html", {"topics": topics, "month": month})
