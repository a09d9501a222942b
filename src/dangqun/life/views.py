"""Pages of 组织生活 across meetings: the list and the year's plan, a new meeting, the month's
calendar and the calendar apps' feeds. One meeting's pages are in ``meeting_views``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangqun.accounts.roles import MANAGE_LIFE
from dangqun.accounts.scope import Scope, require
from dangqun.core import actions as core_actions
from dangqun.core.paging import IdFirstPaginator, query_without_page
from dangqun.life import actions, forms, ical, reports, services
from dangqun.life import month as month_of
from dangqun.web.htmx import render_page

PAGE_SIZE = 30
UNREADABLE_PLAN = "请选择组织并填写年度"


@login_required
def index(request):
    """Meetings in the user's scope and those they are expected at."""
    scope = Scope.of(request.user)
    show = request.GET.get("show", "upcoming")
    show = show if show in services.SHOW else "upcoming"
    meetings = services.listed(request.user, show)
    page = IdFirstPaginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    orgs = services.org_choices(request.user)
    return render_page(
        request,
        "life/index.html",
        {
            "page": page,
            "show": show,
            "shows": [(key, label) for key, (label, _) in services.SHOW.items()],
            "query": query_without_page(request.GET),
            "plan_form": forms.PlanForm(orgs=orgs) if scope.has(MANAGE_LIFE) else None,
            "my_feed": feed_url(request, "person", request.user.person_id),
            "my_hours": getattr(request.user, "person_id", None) is not None,
            "can_manage": scope.has(MANAGE_LIFE),
            "can_view": reports.has_radar(request.user),
        },
        partial="results",
    )


@login_required
def calendar_month(request):
    """A month of meetings: a grid on wide screens, a list of days on phones."""
    today = timezone.localdate()
    month = month_of.parse_month(request.GET.get("month", ""), today) or today.replace(day=1)
    by_day = month_of.meetings_by_day(request.user, month)
    return render_page(
        request,
        "life/calendar.html",
        {
            "month": month,
            "weeks": month_of.weeks(month, by_day),
            "days": sorted(by_day.items()),
            "today": today,
            "previous": f"{month_of.previous_month(month):%Y-%m}",
            "following": f"{month_of.next_month(month):%Y-%m}",
        },
    )


@login_required
def new(request):
    if request.method == "POST" and request.POST:
        outcome = actions.plan(request.user, "schedule", request.POST)
        if outcome.ok:
            messages.success(request, actions.PLANNING["schedule"].done)
            return redirect("life:detail", pk=outcome.result.pk)
        form = outcome.form
    else:
        user = request.user
        require(
            core_actions.may(actions.PLANNING, user, None, "schedule"), actions.REFUSED_SCHEDULE
        )
        form = core_actions.build_form(actions.PLANNING["schedule"], user, None)
    status = 422 if form.errors else 200
    return render_page(request, "life/new.html", {"form": form}, status=status)


@login_required
@require_POST
def plan(request):
    outcome = actions.plan(request.user, "plan", request.POST)
    if outcome.ok:
        year = outcome.form.cleaned_data["year"]
        if outcome.result:
            messages.success(request, f"已按规定周期生成 {year} 年计划 {len(outcome.result)} 次")
        else:
            messages.info(request, f"{year} 年各周期已有安排，无需新增")
    elif outcome.refused:
        messages.error(request, "；".join(actions.messages(outcome.form)))
    else:
        messages.error(request, UNREADABLE_PLAN)
    return redirect(reverse("life:index") + "?show=upcoming")


def feed_url(request, kind: str, pk: int | None) -> str:
    """The address a calendar app subscribes to for a person's or an organisation's meetings."""
    if pk is None:
        return ""
    return request.build_absolute_uri(reverse("life:ical", args=[ical.token(kind, pk)]))


@never_cache
def ical_feed(request, token: str):
    """A calendar app's subscription: no login, a signed token in the address."""
    name, meetings = ical.subscription(token)
    body = ical.feed(name, meetings, request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dangqun.ics"'
    return response
