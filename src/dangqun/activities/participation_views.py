"""The participation page: a unit's 12 months of participation in activities as a trend and a
table of its sub-units (rates, not names), and the same as xlsx. Figures: ``participation``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from dangqun.activities import exports_participation, participation
from dangqun.web.htmx import render_page


@login_required
def participation_page(request):
    org = participation.chosen_org(request.user, request.GET.get("org"))
    figures = participation.figures(request.user, org)
    chart = {
        "labels": [m.label for m in figures.months],
        "participants": [m.participants for m in figures.months],
        "rates": [None if m.rate is None else round(m.rate * 100, 1) for m in figures.months],
        "hours": [float(m.hours) for m in figures.months],
    }
    context = {
        "figures": figures,
        "chart": chart,
        "trail": participation.trail(request.user, org),
    }
    return render_page(request, "activities/participation.html", context)


@login_required
def participation_export(request):
    org = participation.chosen_org(request.user, request.GET.get("org"))
    figures = participation.figures(request.user, org)
    body = exports_participation.participation_book(request.user, figures)
    response = HttpResponse(body, content_type=exports_participation.XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''activity-participation-{org.pk}.xlsx"
    )
    return response
