"""呼声办理统计: 响应率, 解决率, 满意率 and the composite for a period and grouping (page and xlsx), and
the monthly trend (page and JSON, for a chart), and the period's hot topics. What the viewer may
read and the numbers come from ``figures`` (the API reads the same), periods from ``periods``."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import reverse

from dangqun.core.ids import parse_id
from dangqun.core.rules import get_rule
from dangqun.voices import figures
from dangqun.voices.figures import (
    COLUMNS,
    HOURS,
    MAX_TREND_MONTHS,
    RATE,
    SO_FAR,
    TREND_COLUMNS,
    TREND_MONTHS,
    XLSX,
)
from dangqun.voices.metrics import GROUP_LABELS, RULE, RateRow
from dangqun.voices.models import VoiceTally
from dangqun.voices.periods import PeriodError, read_period, read_window
from dangqun.web.htmx import render_page


# Pages --------------------------------------------------------------------------------------
@login_required
def metrics(request):
    figures.require_viewer(request.user)
    period = read_period(request.GET)
    rows, total = figures.period_table(request.user, period)
    trend = figures.trend(request.user, TREND_MONTHS)
    rule = get_rule(RULE)
    so_far = figures.so_far()
    context = {
        "so_far": so_far,
        "period": period,
        "groups": list(GROUP_LABELS.items()),
        "columns": [(title, "text-end" if wide else NARROW) for title, _, _, wide in COLUMNS],
        "rows": [_display(row, COLUMNS) for row in rows],
        "total": _display(total, COLUMNS),
        "trend_columns": [title for title, *_ in TREND_COLUMNS],
        "trend": [  # newest first; this month's row says it is not over
            _display(row, TREND_COLUMNS, so_far=row.key == so_far["key"]) for row in reversed(trend)
        ],
        "formula": rule.explain(),
        "citation": rule.citation,
        "hour_edges": "、".join(f"{edge:g}" for edge in VoiceTally.HOUR_EDGES),
    }
    return render_page(request, "voices/metrics.html", context)


@login_required
def metrics_trend_json(request):
    """The monthly trend for a chart: ``?months=`` (1–36, default 12), oldest month first."""
    figures.require_viewer(request.user)
    try:
        months = min(max(int(request.GET.get("months", TREND_MONTHS)), 1), MAX_TREND_MONTHS)
    except ValueError:
        months = TREND_MONTHS
    trend = figures.trend(request.user, months)
    rule = get_rule(RULE)
    so_far = figures.so_far()
    return JsonResponse(
        {
            "months": [{**_plain(row), "partial": row.key == so_far["key"]} for row in trend],
            "so_far": so_far,
            "rule": rule.explain(),
            "weights": rule.params,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def metrics_export(request):
    """The page's table as xlsx; the export is audited (``figures.export_table``)."""
    figures.require_viewer(request.user)
    period = read_period(request.GET)
    if period.error:  # the page's own link only carries dates it has checked
        return HttpResponseBadRequest(period.error, content_type="text/plain; charset=utf-8")
    response = HttpResponse(figures.export_table(request.user, period), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{figures.export_name(period)}"
    return response


# Formatting ---------------------------------------------------------------------------------
NARROW = "text-end d-none d-lg-table-cell"  # a column hidden on small screens


def _display(row: RateRow, columns, *, so_far: bool = False) -> dict:
    """A row as the template shows it: its label and (text, CSS class) cells."""
    return {
        "label": f"{row.label}（{SO_FAR}）" if so_far else row.label,
        "so_far": so_far,
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
    """热点话题 of the page's period (``start``/``end`` months, or ``since``/``until`` days) and,
    with ``org``, one organisation's voices: an HTMX fragment loaded after the page, cached for an
    hour per scope and period (``figures.hot_topics``)."""
    figures.require_viewer(request.user)
    context = {"error": ""}
    try:
        window = read_window(request.GET)
    except PeriodError as exc:
        context["error"] = exc.message
    org_pk = parse_id(request.GET.get("org"))
    if request.GET.get("org") and org_pk is None:
        context["error"] = "组织编号应为正整数"
    if not context["error"]:
        found = figures.hot_topics(request.user, window, org_pk)
        context.update(found=found, topics=[_topic_row(t, found.window) for t in found.topics])
        context.update(
            orgs=figures.topic_orgs(request.user),
            org_pk=org_pk,
            kept={
                k: request.GET[k] for k in ("start", "end", "since", "until") if k in request.GET
            },
        )
    return render_page(request, "voices/_hot_topics.html", context)


def _topic_row(topic, window) -> dict:
    """A topic as the fragment shows it, with the link to its voices in the inbox."""
    query = urlencode(
        {"show": "all", "q": topic.search, "since": window.start, "until": window.last_day}
    )
    return {"topic": topic, "list_url": f"{reverse('voices:inbox')}?{query}"}
