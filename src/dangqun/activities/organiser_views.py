"""The organisers' pages of 志愿服务与活动: their activities, a new one (blank or 以此为模板新建 from
a previous one), editing, the sign-up list with approval and the waiting list, the check-in
screen with the rotating code and marking by hand, and the hours of everyone in one screen. Each
page is refused (403) to whoever does not organise the activity; the POSTs go through
``views.act`` and ``activities.actions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from dangqun.accounts.scope import require
from dangqun.activities import (
    actions,
    attendance,
    forms,
    hours,
    listing,
    organising,
    participation,
    services,
)
from dangqun.activities.models import SignUpStatus, Status
from dangqun.core import actions as core_actions
from dangqun.core import qrcodes
from dangqun.core.ids import parse_id
from dangqun.core.paging import IdFirstPaginator, query_without_page
from dangqun.orgs.models import Org
from dangqun.web.htmx import render_page

PAGE_SIZE = 30
NOT_ORGANISER = "您不是活动组织者"


def _kept(request, pk: int):
    """The activity, if the user may see it (else 404) and organises it (else 403)."""
    activity = services.require_visible(request.user, pk)
    if not services.can_manage(request.user, activity):
        raise PermissionDenied(organising.REFUSED)
    return activity


@login_required
def manage(request):
    """活动管理: the activities the user's scope runs."""
    user = request.user
    organises = services.organiser_orgs(user).exists()
    require(organises or services.kept_by(user).exists(), NOT_ORGANISER)
    show = request.GET.get("show", "action")
    show = show if show in listing.KEPT_SHOWS else "action"
    page = IdFirstPaginator(listing.kept(user, show), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "shows": listing.KEPT_SHOWS.items(),
        "query": query_without_page(request.GET),
        "organises": organises,
        "reads_figures": bool(participation.readable_units(user)),
    }
    return render_page(request, "activities/manage.html", context, partial="results")


@login_required
def new(request):
    """A new activity as a draft; ``?from=<id>`` starts from a previous one (all but the times)."""
    user = request.user
    if request.method == "POST":
        outcome = core_actions.run(actions.NEW, user, None, "create", request.POST)
        if outcome.ok:
            messages.success(request, actions.NEW["create"].done)
            return redirect("activities:detail", pk=outcome.result.pk)
        form, source = outcome.form, _source(request, request.POST.get("copied_from"))
    else:
        require(core_actions.may(actions.NEW, user, None, "create"), organising.REFUSED)
        source = _source(request, request.GET.get("from"))
        initial = organising.copy_fields(source) if source is not None else {}
        form = core_actions.build_form(actions.NEW["create"], user, None)
        form.initial = initial
    status = 422 if form.errors else 200
    context = {"form": form, "source": source}
    return render_page(request, "activities/form.html", context, status=status)


def _source(request, value):
    pk = parse_id(value)
    if pk is None:
        return None
    return services.kept_by(request.user).filter(pk=pk).select_related("kind").first()


@login_required
def edit(request, pk: int):
    activity = _kept(request, pk)
    if request.method == "POST":
        outcome = actions.run(request.user, activity, "update", request.POST)
        if outcome.ok:
            messages.success(request, actions.ACTIONS["update"].done)
            return redirect("activities:detail", pk=activity.pk)
        form = outcome.form
    else:
        if activity.status not in organising.EDITABLE:
            messages.info(request, "活动已举行，不能再修改")
            return redirect("activities:detail", pk=activity.pk)
        form = forms.ActivityForm(user=request.user, activity=activity, initial=_initial(activity))
    context = {"form": form, "activity": activity}
    return render_page(request, "activities/form.html", context, status=422 if form.errors else 200)


@login_required
def partners(request):
    """The 联办 choices of the activity form, fetched as the organiser types a name: the boxes
    already ticked (``co_organisers``), then the active organisations whose name holds ``q``,
    any tree or unit, but not the main one (``org``)."""
    require(services.organiser_orgs(request.user).exists(), NOT_ORGANISER)
    ticked_ids = [i for i in map(parse_id, request.GET.getlist("co_organisers")) if i][:50]
    ticked = list(
        Org.objects.active()
        .filter(pk__in=ticked_ids)
        .only("pk", "name", "path", "depth")
        .order_by("path")
    )
    words = request.GET.get("q", "").strip()
    main = parse_id(request.GET.get("org"))
    found, more = services.find_partners(words, exclude=[*ticked_ids, *([main] if main else [])])
    shown = services.with_parents([*ticked, *found])
    context = {
        "ticked": shown[: len(ticked)],
        "found": shown[len(ticked) :],
        "more": more,
        "words": words,
    }
    return render_page(request, "activities/_partners.html", context)


def _initial(activity) -> dict:
    initial = {name: getattr(activity, name) for name in organising.FIELDS}
    for name in organising.MANY:
        initial[name] = list(getattr(activity, name).all())
    for name in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name])
    return initial


@login_required
def signup_list(request, pk: int):
    """The sign-ups: pending ones to approve or reject, the confirmed, the waiting list in order,
    and those cancelled or refused."""
    activity = _kept(request, pk)
    rows = list(
        activity.signups.select_related("person", "person__unit").order_by("queued_at", "id")
    )
    groups = {status: [] for status in SignUpStatus.values}
    for row in rows:
        groups[row.status].append(row)
    context = {
        "activity": activity,
        "pending": groups[SignUpStatus.PENDING],
        "confirmed": groups[SignUpStatus.CONFIRMED],
        "waiting": groups[SignUpStatus.WAITING],
        "ended": groups[SignUpStatus.CANCELLED] + groups[SignUpStatus.REJECTED],
        "places_left": None
        if activity.capacity is None
        else max(activity.capacity - len(groups[SignUpStatus.CONFIRMED]), 0),
    }
    return render_page(request, "activities/signups.html", context)


# Check-in -----------------------------------------------------------------------------------
@login_required
@never_cache
def checkin_screen(request, pk: int):
    """The check-in screen: the rotating code (for a phone's camera or a projector) and the
    confirmed participants, each marked by hand where the code does not suit."""
    activity = _kept(request, pk)
    people = list(
        activity.signups.filter(status=SignUpStatus.CONFIRMED)
        .select_related("person")
        .order_by("person__name", "id")
    )
    context = {
        "activity": activity,
        "code": attendance.code_now(activity),
        "now": timezone.now(),
        "people": people,
        "checked": sum(1 for s in people if s.checked_in_at),
        "open": activity.status in (Status.PUBLISHED, Status.CLOSED, Status.HELD),
        "full": request.GET.get("full") == "1",
    }
    return render_page(request, "activities/checkin_screen.html", context)


@login_required
@never_cache
def qr(request, pk: int):
    """The code shown at the activity (SVG), for its organisers; it changes every 30 s."""
    activity = services.require_visible(request.user, pk)
    code = attendance.shown_code(request.user, activity)
    url = request.build_absolute_uri(
        reverse("activities:checkin", args=[activity.pk]) + f"?c={code}"
    )
    return qrcodes.response(url, scale=8, title="签到二维码")


@login_required
@never_cache
def qr_panel(request, pk: int):
    """The code's panel, polled so the code on screen rotates."""
    activity = services.require_visible(request.user, pk)
    code = attendance.shown_code(request.user, activity)
    context = {"activity": activity, "code": code, "now": timezone.now()}
    return render_page(request, "activities/_qr.html", context)


# Hours ----------------------------------------------------------------------------------------
@login_required
def hours_page(request, pk: int):
    """Everyone's hours on one screen, the system's proposal pre-filled; confirmed as a whole."""
    activity = _kept(request, pk)
    lines = hours.confirmation_lines(activity) if activity.credits_hours else []
    confirmed = {}
    if activity.status in (Status.CONFIRMED, Status.ARCHIVED):
        for entry in activity.hours.all():
            confirmed[entry.signup_id] = confirmed.get(entry.signup_id, hours.ZERO) + entry.hours
    context = {
        "activity": activity,
        "lines": [(line, confirmed.get(line.signup.pk)) for line in lines],
        "slot": activity.slot_hours,
        "may_confirm": activity.status == Status.HELD and activity.credits_hours,
        "may_correct": activity.status in (Status.CONFIRMED, Status.ARCHIVED),
    }
    return render_page(request, "activities/hours.html", context)
