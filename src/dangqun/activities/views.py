"""Pages of 志愿服务与活动 for everyone: the square (活动广场), one activity (sign up, cancel, check in
and out by the code shown there), my activities, my volunteer service (hours, stars, registration,
teams), the page a phone opens from the check-in code, files and the calendar feed. The
organisers' pages are in ``organiser_views``; every POST runs ``activities.actions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangqun.activities import (
    actions,
    attendance,
    forms,
    hours,
    ical,
    listing,
    organising,
    photos,
    services,
    signups,
    volunteers,
)
from dangqun.activities.models import (
    ActivityFile,
    HoursEntry,
    SignUpStatus,
    Status,
    TeamMember,
    Volunteer,
    VolunteerTeam,
)
from dangqun.core import actions as core_actions
from dangqun.core import filestore, rotating_codes
from dangqun.core.paging import IdFirstPaginator, query_without_page
from dangqun.core.rules import get_rule
from dangqun.web.htmx import render_page

PAGE_SIZE = 20
SIGNED = {  # what the page says after signing up, by the sign-up's status
    SignUpStatus.CONFIRMED: "报名成功",
    SignUpStatus.WAITING: "名额已满，您已进入候补，有空位时自动递补并通知您",
    SignUpStatus.PENDING: "报名已提交，等待组织者审核",
}
CHECKIN_ACTIONS = ("check_in", "check_out")


@login_required
def square(request):
    """活动广场: open activities the person may join, nearest first, by kind."""
    kind = request.GET.get("kind", "")
    kinds = listing.kinds()
    kind = kind if kind in {k.code for k in kinds} else ""
    page = IdFirstPaginator(listing.square(request.user, kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "kind": kind,
        "kinds": kinds,
        "query": query_without_page(request.GET),
        "has_person": request.user.person_id is not None,
        "organises": listing.keeps_any(request.user),
    }
    return render_page(request, "activities/square.html", context, partial="results")


@login_required
def mine(request):
    """我的活动: what the person signed up for, and the calendar feed of it."""
    show = request.GET.get("show", "upcoming")
    show = show if show in listing.MINE_SHOWS else "upcoming"
    page = IdFirstPaginator(listing.mine(request.user, show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "show": show,
        "shows": listing.MINE_SHOWS.items(),
        "query": query_without_page(request.GET),
        "feed": ical.feed_url(request, request.user.person_id),
    }
    return render_page(request, "activities/mine.html", context, partial="results")


@login_required
def detail(request, pk: int):
    activity = services.require_visible(request.user, pk)
    return _detail(request, activity)


def _detail(request, activity, *, form_errors: dict | None = None, status: int = 200):
    user = request.user
    person = getattr(user, "person", None)
    signup = services.signup_of(person, activity) if person is not None else None
    active = signup is not None and signup.status in (
        SignUpStatus.PENDING,
        SignUpStatus.CONFIRMED,
        SignUpStatus.WAITING,
    )
    now = timezone.now()
    open_ = organising.signup_is_open(activity, now)
    context = {
        "activity": activity,
        "co_organisers": list(activity.co_organisers.all()),
        "signup": signup,
        "active": active,
        "position": listing.waiting_position(signup)
        if signup is not None and signup.status == SignUpStatus.WAITING
        else None,
        "places_left": signups.places_left(activity),
        "signup_open": open_,
        "not_eligible": services.why_not_eligible(person, activity)
        if person is not None and open_ and not active
        else "",
        "may_cancel": active
        and now < activity.signup_closes_at
        and activity.status in (Status.PUBLISHED, Status.CLOSED),
        "checkin_window": activity.starts_at - attendance.OPENS_BEFORE
        <= now
        <= activity.ends_at + attendance.CLOSES_AFTER,
        "manage": services.can_manage(user, activity),
        "partner_of": organising.partners_kept_by(user, activity),
        "files": list(photos.shown(activity)),
        "my_hours": HoursEntry.objects.filter(activity=activity, person=person).order_by("id")
        if person is not None and activity.credits_hours
        else [],
        "files_form": forms.FilesForm(),
        **(form_errors or {}),
    }
    return render_page(request, "activities/detail.html", context, status=status)


@login_required
@require_POST
def act(request, pk: int, action: str):
    """The activity's forms and buttons, each a row of ``activities.actions.ACTIONS``."""
    activity = services.require_visible(request.user, pk)
    if action not in actions.ACTIONS:
        return HttpResponse("没有这个操作", status=404)
    outcome = actions.run(request.user, activity, action, request.POST, request.FILES)
    back = request.POST.get("back", "")
    target = back if back in BACK else "detail"
    if outcome.ok:
        if action == "sign_up":
            messages.success(request, SIGNED.get(outcome.result.status, "已报名"))
        elif action in CHECKIN_ACTIONS and not outcome.result.first:
            messages.info(request, "您已签到" if action == "check_in" else "已更新签退时间")
        else:
            messages.success(request, actions.ACTIONS[action].done)
    else:
        messages.error(request, "；".join(actions.messages(outcome.form)))
    return redirect(BACK[target], pk=activity.pk)


BACK = {  # the pages a form may return to
    "detail": "activities:detail",
    "signups": "activities:signups",
    "hours": "activities:hours",
    "checkin_screen": "activities:checkin_screen",
    "edit": "activities:edit",
}


@login_required
@never_cache
def checkin(request, pk: int):
    """The page a phone opens from the code shown at the activity: one button that checks the
    signed-in person in (or out, once in); nothing happens on GET."""
    activity = services.require_visible(request.user, pk)
    code = request.POST.get("c") or request.GET.get("c", "")
    person = getattr(request.user, "person", None)
    signup = services.signup_of(person, activity) if person is not None else None
    step = "check_out" if signup is not None and signup.checked_in_at else "check_in"
    result, error = None, ""
    if not rotating_codes.is_valid(activity.pk, activity.checkin_secret, code):
        error = rotating_codes.EXPIRED
    elif request.method == "POST":
        outcome = actions.run(request.user, activity, step, {"code": code})
        if outcome.ok:
            result = outcome.result
        else:
            error = "；".join(actions.messages(outcome.form))
    context = {"activity": activity, "code": code, "step": step, "result": result, "error": error}
    context["expired"] = rotating_codes.EXPIRED
    return render_page(request, "activities/checkin.html", context, status=422 if error else 200)


@login_required
def volunteer(request):
    """我的志愿服务: confirmed hours entries, the total, stars and hours to the next star; the
    volunteer registration (with consent) and teams to join."""
    person = getattr(request.user, "person", None)
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in actions.PERSON:
            return HttpResponse("没有这个操作", status=404)
        outcome = core_actions.run(actions.PERSON, request.user, None, name, request.POST)
        if outcome.ok:
            messages.success(request, actions.PERSON[name].done)
            return redirect("activities:volunteer")
        if name != "register":
            messages.error(request, "；".join(actions.messages(outcome.form)))
            return redirect("activities:volunteer")
        return _volunteer(request, person, outcome.form, status=422)
    return _volunteer(request, person, None)


def _volunteer(request, person, form, status: int = 200):
    context = {"person": person}
    if person is not None:
        entries = list(
            HoursEntry.objects.filter(person=person)
            .select_related("activity")
            .order_by("-served_on", "-id")
        )
        total = sum((e.hours for e in entries), hours.ZERO)
        registered = Volunteer.objects.filter(person=person).first()
        joined = TeamMember.objects.filter(person=person, left_on__isnull=True)
        if form is None:
            initial = (
                {name: getattr(registered, name) for name in volunteers.PROFILE}
                if registered
                else {}
            )
            form = forms.VolunteerForm(initial=initial)
        context.update(
            {
                "entries": entries,
                "total": total,
                "stars": hours.stars_for(total),
                "to_next": hours.to_next_star(total),
                "star_rule": get_rule("activities.stars"),
                "registered": registered,
                "form": form,
                "my_teams": list(
                    VolunteerTeam.objects.filter(pk__in=joined.values("team_id")).select_related(
                        "org"
                    )
                ),
                "teams": list(
                    VolunteerTeam.objects.filter(active=True)
                    .exclude(pk__in=joined.values("team_id"))
                    .select_related("org")[:30]
                ),
            }
        )
    return render_page(request, "activities/volunteer.html", context, status=status)


@login_required
def activity_file(request, pk: int, file_pk: int):
    """A photo or document of an activity the user may see (``?preview=1`` the small picture,
    ``?inline=1`` the photo in the page)."""
    activity = services.require_visible(request.user, pk)
    row = get_object_or_404(ActivityFile, pk=file_pk, activity=activity, removed_at__isnull=True)
    if request.GET.get("preview") == "1":
        return filestore.download(row, inline=True, preview=row.preview)
    return filestore.download(row, inline=request.GET.get("inline") == "1")


@never_cache
def ical_feed(request, token: str):
    """A calendar app's subscription to what a person signed up for: a signed token, no login."""
    name, rows = ical.subscription(token)
    body = ical.feed(name, rows, request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="activities.ics"'
    return response
