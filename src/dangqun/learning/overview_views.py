"""The 学时 overview page (who is short, per sub-organisation; names at a branch) and its xlsx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone

from dangqun.learning import exports, overview
from dangqun.web.htmx import render_page

YEARS_SHOWN = 5


def _chosen(request) -> overview.Overview:
    org = overview.chosen_org(request.user, request.GET.get("org"))
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not this_year - YEARS_SHOWN < year <= this_year:
        year = this_year
    as_of = overview.chosen_day(year, request.GET.get("as_of"))
    return overview.overview(request.user, org, year, as_of)


@login_required
def overview_page(request):
    shown = _chosen(request)
    this_year = timezone.localdate().year
    chart = {
        "labels": [row.org.name for row in shown.rows],
        "rates": [None if row.rate is None else round(row.rate * 100, 1) for row in shown.rows],
        "per_member": [
            None if row.per_member is None else float(row.per_member) for row in shown.rows
        ],
    }
    context = {
        "shown": shown,
        "chart": chart,
        "trail": overview.trail(request.user, shown.org),
        "years": range(this_year, this_year - YEARS_SHOWN, -1),
    }
    return render_page(request, "learning/overview.html", context)


@login_required
def overview_export(request):
    shown = _chosen(request)
    body = exports.overview_book(request.user, shown)
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''learning-hours-{shown.org.pk}-{shown.as_of:%Y%m%d}.xlsx"
    )
    return response
