"""员工满意度指数's page (the index per unit and quarter, a unit's trend with its number of
responses, 群众呼声's 满意率 and 解决率 beside it, how it is computed) and its xlsx. Thin:
``satisfaction`` computes, ``satisfaction_export`` writes the book."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse

from dangqun.accounts.scope import require
from dangqun.core.ids import parse_id
from dangqun.core.rules import get_rule
from dangqun.surveys import satisfaction, satisfaction_export, services
from dangqun.surveys.satisfaction import Index
from dangqun.web.htmx import render_page

NOT_READER = "您无权查看员工满意度指数"


def _wanted_id(request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return parse_id(raw) if raw else None


def _count(request) -> int:
    raw = request.GET.get("n", "")
    if raw.isascii() and raw.isdigit() and int(raw) in satisfaction.QUARTER_CHOICES:
        return int(raw)
    return satisfaction.DEFAULT_QUARTERS


def _computed(request) -> Index | None:
    require(services.reads(request.user), NOT_READER)
    try:
        return satisfaction.compute(request.user, _wanted_id(request, "org"), _count(request))
    except ValidationError:
        return None


def _chosen_line(index: Index, unit_id: int | None):
    return next((line for line in index.units if line.unit_id == unit_id), index.whole)


def _chosen_quarter(index: Index, wanted: str):
    """The quarter the comparison shows: ``wanted`` (its label's key), else the latest with an
    index for the whole, else the last."""
    for cell in index.whole.cells:
        if f"{cell.quarter:%Y-%m}" == wanted:
            return cell.quarter
    latest = index.whole.latest
    return latest.quarter if latest else index.quarters[-1]


def _percent(rate) -> float | None:
    return None if rate is None else float(rate * 100)


def _chart(index: Index, line, quarter) -> dict:
    at = index.quarters.index(quarter)
    return {
        "trend": {
            "labels": [c.short for c in line.cells],
            "index": [None if c.index is None else float(c.index) for c in line.cells],
            "responses": [c.responses for c in line.cells],
            "satisfaction": [_percent(c.satisfaction_rate) for c in line.cells],
            "resolution": [_percent(c.resolution_rate) for c in line.cells],
            "voices": index.voices_shown,
        },
        "units": {
            "labels": [u.label for u in index.units if u.cells[at].index is not None],
            "index": [
                float(u.cells[at].index) for u in index.units if u.cells[at].index is not None
            ],
        },
    }


@login_required
def satisfaction_page(request):
    index = _computed(request)
    rule = get_rule(satisfaction.RULE)
    context = {
        "index": index,
        "rule": rule,
        "k_rule": get_rule("surveys.min_group"),
        "voices_rule": get_rule("voices.rates"),
        "organises": services.organises(request.user),
        "reads": True,
        "here": "satisfaction",
        "choices": satisfaction.QUARTER_CHOICES,
    }
    if index is not None:
        line = _chosen_line(index, _wanted_id(request, "unit"))
        quarter = _chosen_quarter(index, request.GET.get("quarter", ""))
        at = index.quarters.index(quarter)
        context.update(
            {
                "line": line,
                "quarter": quarter,
                "rows": [(u, u.cells[at]) for u in index.units],
                "whole_cell": index.whole.cells[at],
                "weights": [
                    (index.item_labels.get(code, code), f"{float(weight):g}")
                    for code, weight in index.weights.items()
                ],
                "items": _items(index, line),
                "series_orgs": index.series,
                "chart": _chart(index, line, quarter),
                "count": len(index.quarters),
            }
        )
    return render_page(request, "surveys/satisfaction.html", context)


def _items(index: Index, line) -> list[tuple[str, object]]:
    """The chosen line's item scores in its latest quarter with an index."""
    latest = line.latest
    if latest is None:
        return []
    return [(index.item_labels.get(code, code), score) for code, score in latest.items.items()]


@login_required
def satisfaction_xlsx(request):
    index = _computed(request)
    if index is None:
        raise Http404(satisfaction.NO_SERIES)
    response = HttpResponse(
        satisfaction_export.book(request.user, index), content_type=satisfaction_export.XLSX
    )
    response["Content-Disposition"] = 'attachment; filename="satisfaction-index.xlsx"'
    return response
