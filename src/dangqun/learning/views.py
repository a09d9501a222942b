"""Pages of 学习培训: a member's 学时 of a year (phone first)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from dangqun.core.rules import get_rule
from dangqun.learning import ledger, services
from dangqun.web.htmx import render_page

YEARS_SHOWN = 5


@login_required
def my_ledger(request):
    """我的学时: done, required and left this year (or a past one), and where each hour came from."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not this_year - YEARS_SHOWN < year <= this_year:
        year = this_year
    person_id = getattr(request.user, "person_id", None)
    context = {
        "person_id": person_id,
        "years": range(this_year, this_year - YEARS_SHOWN, -1),
        "shown": ledger.year_of(person_id, year) if person_id else None,
        "rule": get_rule("learning.requirement"),
        "reads": services.reads(request.user),
        "organiser": services.organises(request.user),
    }
    return render_page(request, "learning/ledger.html", context)
