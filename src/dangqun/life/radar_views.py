"""The compliance radar pages: a 党委 or 党总支 sees its children rolled up (drill down by
clicking), a branch sees its own periods and findings; both as xlsx, and a branch's year as a
printed record. The figures, the scope and the audit are ``life.reports``'."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone

from dangqun.life import cadence, reports
from dangqun.web.htmx import render_page


@login_required
def radar_page(request):
    found = reports.radar_of(request.user, request.GET.get("org"), request.GET.get("year"))
    org, results = found.org, found.results
    context = {
        "org": org,
        "year": found.year,
        "years": range(timezone.localdate().year, 2019, -1),
        "trail": reports.trail(request.user, org),
    }
    if found.branch is not None:
        context.update({"branch": found.branch, "kinds": list(found.branch.due.values())})
    else:
        context.update(
            {
                "rows": found.rows,
                "chart": [
                    {"name": row.org.name, "branches": row.branches, "green": row.green}
                    for row in found.rows
                ],
                "kinds": [(k, cadence.cadence(k).label) for k in reports.KINDS],
                "total_branches": len(results),
                "total_green": sum(r.green for r in results),
            }
        )
    return render_page(request, "life/radar.html", context)


@login_required
def radar_export(request):
    """Every branch under the organisation, one row each, with its numbers and findings."""
    done = reports.export_radar(request.user, request.GET.get("org"), request.GET.get("year"))
    response = HttpResponse(done.body, content_type=reports.XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''life-radar-{done.org.pk}-{done.year}.xlsx"
    )
    return response


@login_required
def annual_pdf(request):
    """A branch's year as one printable record."""
    done = reports.annual_record(request.user, request.GET.get("org"), request.GET.get("year"))
    response = HttpResponse(done.body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="life-{done.org.pk}-{done.year}.pdf"'
    return response
