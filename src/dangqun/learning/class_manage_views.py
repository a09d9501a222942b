"""The organiser's pages of 培训班 and 外出培训: the list of classes, a new class, one class kept
(details, sessions, publishing, finishing, cancelling), its enrolment list with attendance per
session, a session's check-in screen (the rotating QR code, marking by hand), and the queue of
external training to confirm. Readers (``learning.view``) see the same pages without the forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangqun.core import actions as core_actions
from dangqun.core import qrcodes
from dangqun.core.paging import IdFirstPaginator, query_without_page
from dangqun.learning import (
    class_actions,
    class_attendance,
    class_forms,
    classes,
    completion,
    external,
    services,
)
from dangqun.learning.class_models import (
    Attendance,
    ClassSession,
    ClassStatus,
    Enrolment,
    ExternalStatus,
)
from dangqun.web.htmx import render_page

PAGE_SIZE = 20


def _kept(request, pk: int):
    klass = classes.kept_by(request.user).select_related("org").filter(pk=pk).first()
    if klass is None:
        raise Http404("培训班不存在或无权查看")
    return klass


@login_required
def class_list(request):
    if not services.reads(request.user):
        raise PermissionDenied("您无权查看培训班管理")
    page = IdFirstPaginator(classes.organised_by(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "query": query_without_page(request.GET),
        "may_create": services.organises(request.user),
    }
    return render_page(request, "learning/class_list.html", context)


@login_required
def class_new(request):
    if not services.organises(request.user):
        raise PermissionDenied(services.NOT_ORGANISER)
    form, status = class_forms.ClassForm(user=request.user), 200
    if request.method == "POST":
        outcome = core_actions.run(
            class_actions.NEW_CLASS, request.user, None, "create", request.POST
        )
        if outcome.ok:
            messages.success(request, class_actions.NEW_CLASS["create"].done)
            return redirect("learning:class_manage", pk=outcome.result.pk)
        form, status = outcome.form, 422
    return render_page(request, "learning/class_form.html", {"form": form}, status=status)


@login_required
def class_manage(request, pk: int):
    """One class kept: its details (editable while open), sessions (add, change, remove), and
    the steps of its life."""
    klass = _kept(request, pk)
    keeps = classes.can_manage(request.user, klass)
    form, status = None, 200
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied(services.NOT_ORGANISER)
        outcome = core_actions.run(class_actions.CLASS, request.user, klass, "update", request.POST)
        if outcome.ok:
            messages.success(request, class_actions.CLASS["update"].done)
            return redirect("learning:class_manage", pk=klass.pk)
        form, status = outcome.form, 422
    sessions = classes.sessions_of(klass)
    context = {
        "klass": klass,
        "keeps": keeps,
        "open": keeps and klass.status in classes.OPEN,
        "form": form or class_forms.ClassForm(user=request.user, klass=klass),
        "sessions": [
            (s, class_forms.SessionForm(initial=_session_initial(s), prefix=f"s{s.pk}"))
            for s in sessions
        ],
        "new_session": class_forms.SessionForm(),
        "enrolled": klass.enrolments.filter(left_at__isnull=True).count(),
        "audience_orgs": list(klass.audience_orgs.all()),
    }
    return render_page(request, "learning/class_manage.html", context, status=status)


def _session_initial(session: ClassSession) -> dict:
    return {
        "session": session.pk,
        "topic": session.topic,
        "starts_at": timezone.localtime(session.starts_at),
        "ends_at": timezone.localtime(session.ends_at),
        "place": session.place,
        "hours": session.hours,
    }


@login_required
@require_POST
def session_save(request, pk: int):
    """A session's form (prefixed per session on the page) as the ``session`` action."""
    klass = _kept(request, pk)
    prefix = request.POST.get("prefix", "")
    data = {
        name: request.POST.get(f"{prefix}-{name}" if prefix else name, "")
        for name in ("session", "topic", "starts_at", "ends_at", "place", "hours")
    }
    outcome = core_actions.run(class_actions.CLASS, request.user, klass, "session", data)
    if outcome.ok:
        messages.success(request, class_actions.CLASS["session"].done)
    else:
        messages.error(request, "；".join(class_actions.messages(outcome.form)))
    return redirect("learning:class_manage", pk=klass.pk)


@login_required
def enrolments(request, pk: int):
    """Who is enrolled, their attendance per session and whether they completed; marking."""
    klass = _kept(request, pk)
    sessions = classes.sessions_of(klass)
    standing = completion.standing(klass)
    rows = list(
        Enrolment.objects.filter(klass=klass, left_at__isnull=True)
        .select_related("person")
        .order_by("person__name", "id")
    )
    empty = completion.Progress()
    people = [
        (
            row,
            standing.people.get(row.person_id, empty),
            standing.completed(row.person_id),
        )
        for row in rows
    ]
    context = {
        "klass": klass,
        "sessions": sessions,
        "people": people,
        "standing": standing,
        "completed": sum(1 for _, _, done in people if done),
        "may_mark": classes.can_manage(request.user, klass)
        and klass.status in (ClassStatus.PUBLISHED, ClassStatus.FINISHED),
        "may_enrol": classes.can_manage(request.user, klass)
        and klass.status == ClassStatus.PUBLISHED,
    }
    if context["may_enrol"]:
        context["newcomers"] = class_attendance.newcomers(klass).count()
    return render_page(request, "learning/class_enrolments.html", context)


def _kept_session(request, pk: int) -> ClassSession:
    session = ClassSession.objects.filter(pk=pk).first()
    if session is None:
        raise Http404("课次不存在")
    session.klass = _kept(request, session.klass_id)
    return session


@login_required
def session_screen(request, pk: int):
    """A session's check-in screen: the rotating code (for phones' cameras or a projector) and
    the enrolled, each marked by hand where the code does not suit."""
    session = _kept_session(request, pk)
    klass = session.klass
    keeps = classes.can_manage(request.user, klass)
    present = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
    people = list(
        Enrolment.objects.filter(klass=klass, left_at__isnull=True)
        .select_related("person")
        .order_by("person__name", "id")
    )
    open_ = klass.status == ClassStatus.PUBLISHED
    context = {
        "klass": klass,
        "session": session,
        "keeps": keeps,
        "open": open_ and keeps,
        "code": class_attendance.code_now(session) if keeps and open_ else "",
        "now": timezone.now(),
        "people": [(row, row.person_id in present) for row in people],
        "checked": len(present),
        "may_mark": keeps and klass.status in (ClassStatus.PUBLISHED, ClassStatus.FINISHED),
    }
    return render_page(request, "learning/session_screen.html", context)


@login_required
@never_cache
def session_qr(request, pk: int):
    session = _kept_session(request, pk)
    code = class_attendance.shown_code(request.user, session)
    url = request.build_absolute_uri(
        reverse("learning:session_checkin", args=[session.pk]) + f"?c={code}"
    )
    return qrcodes.response(url, scale=8, title="签到二维码")


@login_required
@never_cache
def session_qr_panel(request, pk: int):
    session = _kept_session(request, pk)
    code = class_attendance.shown_code(request.user, session)
    context = {"session": session, "code": code, "now": timezone.now()}
    return render_page(request, "learning/_session_qr.html", context)


# External training to confirm -------------------------------------------------------------------
@login_required
def external_queue(request):
    if not services.organises(request.user):
        raise PermissionDenied(services.NOT_ORGANISER)
    show = request.GET.get("show", "waiting")
    show = show if show in ("waiting", "done") else "waiting"
    rows = external.kept_by(request.user).select_related("person", "branch")
    if show == "waiting":
        rows = rows.filter(status=ExternalStatus.SUBMITTED).order_by("created_at", "id")
    else:
        rows = rows.exclude(status=ExternalStatus.SUBMITTED).order_by("-decided_at", "-id")
    page = IdFirstPaginator(rows.prefetch_related("proofs"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "show": show,
        "query": query_without_page(request.GET),
        "user_person": request.user.person_id,
    }
    return render_page(request, "learning/external_queue.html", context)


@login_required
@require_POST
def external_act(request, pk: int, action: str):
    training = external.require_visible(request.user, pk)
    if action not in class_actions.EXTERNAL:
        return HttpResponse("没有这个操作", status=404)
    outcome = core_actions.run(class_actions.EXTERNAL, request.user, training, action, request.POST)
    if outcome.ok:
        messages.success(request, class_actions.EXTERNAL[action].done)
    else:
        messages.error(request, "；".join(class_actions.messages(outcome.form)))
    return redirect("learning:external_queue")
