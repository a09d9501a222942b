"""The compliance radar pages: a 党委 or 党总支 sees its children rolled up (drill down by
clicking), a branch sees its own periods and findings; both as xlsx."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_LIFE, VIEW_LIFE
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.life import cadence, radar
from dangqun.orgs.models import Org, System
from dangqun.web.htmx import render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = [k for k in cadence.BRANCH_CADENCE]


def _scope_orgs(user):
    scope = Scope.of(user)
    return scope.orgs(VIEW_LIFE) | scope.orgs(MANAGE_LIFE)


def _chosen(request) -> tuple[Org, int]:
    scope = Scope.of(request.user)
    require(scope.has(VIEW_LIFE) or scope.has(MANAGE_LIFE), "您没有查看组织生活统计的权限")
    orgs = _scope_orgs(request.user).filter(system=System.PARTY, dissolved_on__isnull=True)
    wanted = request.GET.get("org")
    org = orgs.filter(pk=wanted).first() if wanted and wanted.isdigit() else None
    if org is None and wanted:
        raise Http404("组织不存在或无权查看")
    org = org or orgs.order_by("depth", "path").first()
    if org is None:
        raise Http404("您的权限范围内没有党组织")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    return org, year


def _span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


@login_required
def radar_page(request):
    org, year = _chosen(request)
    results = radar.radar(org, *_span(year))
    context = {"org": org, "year": year, "years": range(timezone.localdate().year, 2019, -1)}
    ancestors = Org.objects.filter(path__in=org.ancestor_paths()) & _scope_orgs(request.user)
    context["trail"] = list(ancestors.order_by("depth"))
    if len(results) == 1 and results[0].org == org:
        context.update({"branch": results[0], "kinds": list(results[0].due.values())})
    else:
        rows = radar.rollup(org, results)
        context.update(
            {
                "rows": rows,
                "chart": [
                    {"name": row.org.name, "branches": row.branches, "green": row.green}
                    for row in rows
                ],
                "kinds": [(k, cadence.cadence(k).label) for k in KINDS],
                "total_branches": len(results),
                "total_green": sum(r.green for r in results),
            }
        )
    return render_page(request, "life/radar.html", context)


@login_required
def radar_export(request):
    """Every branch under the organisation, one row each, with its numbers and findings."""
    org, year = _chosen(request)
    results = radar.radar(org, *_span(year))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("组织生活")
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "text_wrap": True})
    percent = book.add_format({"num_format": "0.0%"})
    labels = [cadence.cadence(k).label for k in KINDS]
    header = ["党组织", *[f"{label}（实际/应开）" for label in labels], "出勤率", "问题数", "问题"]
    sheet.write_row(0, 0, header, bold)
    for index, result in enumerate(results, start=1):
        sheet.write_string(index, 0, result.org.name)
        for col, kind in enumerate(KINDS, start=1):
            due = result.due.get(kind)
            sheet.write_string(index, col, f"{due.held}/{due.expected}" if due else "—")
        rate = result.attendance_rate
        if rate is not None:
            sheet.write_number(index, len(KINDS) + 1, rate, percent)
        sheet.write_number(index, len(KINDS) + 2, len(result.findings))
        sheet.write_string(index, len(KINDS) + 3, "；".join(str(f) for f in result.findings))
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(KINDS) + 2, 12)
    sheet.set_column(len(KINDS) + 3, len(KINDS) + 3, 80)
    book.close()
    with transaction.atomic():
        audit.record(
            request.user,
            "life.radar_export",
            org,
            after={"year": year, "branches": len(results)},
            object_repr=f"导出 {org.name} {year} 年组织生活统计",
        )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''life-radar-{org.pk}-{year}.xlsx"
    )
    return response


@login_required
def annual_pdf(request):
    """A branch's year as one printable record: the summary against the cadence, then each
    finalised meeting's minutes."""
    from dangqun.life import pdf
    from dangqun.life.models import Meeting, Status

    org, year = _chosen(request)
    results = radar.radar(org, *_span(year))
    summary = []
    for result in results:
        if result.org == org:
            summary = [(due.label, due.expected, due.held) for due in result.due.values()]
    meetings = list(
        Meeting.objects.filter(org=org, status=Status.FINALISED, starts_at__year=year)
        .select_related("org", "host", "recorder")
        .prefetch_related("files")
        .order_by("starts_at")
    )
    body = pdf.annual(org, year, meetings, summary)
    with transaction.atomic():
        audit.record(
            request.user,
            "life.annual_record",
            org,
            after={"year": year, "meetings": len(meetings)},
            object_repr=f"打印 {org.name} {year} 年组织生活记录",
        )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="life-{org.pk}-{year}.pdf"'
    return response
