"""The 组织生活 figures a 党委 or a branch reads and takes away: the compliance radar of an
organisation in the user's scope for a year (the page and ``GET /api/life/radar/``), its xlsx
export and the year's printed record; each export checks the scope and writes its audit row."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import xlsxwriter
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_LIFE, VIEW_LIFE
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.life import cadence, pdf, radar
from dangqun.life.models import Meeting, Status
from dangqun.orgs.models import Org, System

KINDS = list(cadence.BRANCH_CADENCE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR = 2000


@dataclass
class Radar:
    """The radar of ``org`` for ``year``: one result per branch below it and, unless ``org`` is
    itself the one branch, the branches' numbers summed per child (``rows``)."""

    org: Org
    year: int
    results: list[radar.BranchRadar]
    rows: list[radar.Rollup] | None

    @property
    def branch(self) -> radar.BranchRadar | None:
        return self.results[0] if self.rows is None else None


@dataclass(frozen=True)
class Document:
    org: Org
    year: int
    body: bytes


def radar_orgs(scope: Scope):
    """The standing party organisations whose radar the scope reads."""
    orgs = scope.orgs(VIEW_LIFE) | scope.orgs(MANAGE_LIFE)
    return orgs.filter(system=System.PARTY, dissolved_on__isnull=True)


def has_radar(user) -> bool:
    """Whether the user has a radar to open: a 组织生活 role over at least one party organisation
    (a 工会 or 团委 administrator reads meetings but has none)."""
    scope = Scope.of(user)
    return (scope.has(VIEW_LIFE) or scope.has(MANAGE_LIFE)) and radar_orgs(scope).exists()


def choose(user, wanted: str | None, year: str | int | None) -> tuple[Org, int]:
    """The party organisation (``wanted``, else the top of the user's scope) and the year the
    user asks for: 403 without a 组织生活 role, 404 for an organisation outside the scope."""
    scope = Scope.of(user)
    require(scope.has(VIEW_LIFE) or scope.has(MANAGE_LIFE), "您没有查看组织生活统计的权限")
    orgs = radar_orgs(scope)
    wanted = str(wanted) if wanted else ""
    org = orgs.filter(pk=wanted).first() if wanted.isdigit() else None
    if org is None and wanted:
        raise Http404("组织不存在或无权查看")
    org = org or orgs.order_by("depth", "path").first()
    if org is None:
        raise Http404("您的权限范围内没有党组织")
    today = timezone.localdate()
    try:
        chosen = int(year if year not in (None, "") else today.year)
    except (TypeError, ValueError):
        chosen = today.year
    return org, min(max(chosen, FIRST_YEAR), today.year)


def span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def radar_of(user, wanted: str | None, year: str | int | None) -> Radar:
    """The radar the user asks for (see ``choose``)."""
    org, year = choose(user, wanted, year)
    results = radar.radar(org, *span(year))
    single = len(results) == 1 and results[0].org == org
    return Radar(org, year, results, None if single else radar.rollup(org, results))


def trail(user, org: Org) -> list[Org]:
    """The organisations above ``org`` (and itself) the user may drill up to."""
    above = Org.objects.filter(path__in=org.ancestor_paths())
    scope = Scope.of(user)
    return list((scope.orgs(VIEW_LIFE, above) | scope.orgs(MANAGE_LIFE, above)).order_by("depth"))


def export_radar(user, wanted: str | None, year: str | int | None) -> Document:
    """Every branch under the organisation as a spreadsheet row, with its numbers and findings."""
    org, year = choose(user, wanted, year)
    results = radar.radar(org, *span(year))
    body = _radar_book(results)
    with transaction.atomic():
        audit.record(
            user,
            "life.radar_export",
            org,
            after={"year": year, "branches": len(results)},
            object_repr=f"导出 {org.name} {year} 年组织生活统计",
        )
    return Document(org, year, body)


def _radar_book(results: list[radar.BranchRadar]) -> bytes:
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
    return buffer.getvalue()


def annual_record(user, wanted: str | None, year: str | int | None) -> Document:
    """A branch's year as one printable record (PDF): the summary against the cadence, then each
    finalised meeting's minutes."""
    org, year = choose(user, wanted, year)
    results = radar.radar(org, *span(year))
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
            user,
            "life.annual_record",
            org,
            after={"year": year, "meetings": len(meetings)},
            object_repr=f"打印 {org.name} {year} 年组织生活记录",
        )
    return Document(org, year, body)
