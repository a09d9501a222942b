"""Pages of 培训班 and 外出培训 for members (phone first): my classes, one class (sessions, my
attendance, check-in by the code shown there, the 结业证书 once completed), the page a phone opens
from a session's QR code, and my external training. Every POST runs ``class_actions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangqun.core import actions as core_actions
from dangqun.core import filestore, rotating_codes
from dangqun.core.ids import parse_id
from dangqun.learning import (
    class_actions,
    class_attendance,
    class_certificate,
    class_forms,
    classes,
    completion,
    external,
    services,
)
from dangqun.learning.class_models import ClassSession, ClassStatus, Enrol
from dangqun.web.htmx import render_page

BACK = {  # the pages a class's form may return to
    "class": "learning:class",
    "manage": "learning:class_manage",
    "enrolments": "learning:class_enrolments",
}


@login_required
def my_classes(request):
    """我的培训班: enrolled (with my progress) and open for sign-up."""
    enrolled, open_ = classes.mine(request.user)
    person_id = request.user.person_id
    standings = (
        completion.standings([k.pk for k in enrolled], person_id) if person_id and enrolled else {}
    )
    rows = [
        (klass, standings[klass.pk], standings[klass.pk].completed(person_id)) for klass in enrolled
    ]
    context = {
        "rows": rows,
        "open": open_,
        "person_id": person_id,
        "organises": services.organises(request.user),
        "reads": services.reads(request.user),
    }
    return render_page(request, "learning/classes_mine.html", context)


@login_required
def class_page(request, pk: int):
    klass = classes.require_visible(request.user, pk)
    person_id = request.user.person_id
    enrolment = class_attendance.enrolment_of(person_id, klass)
    standing = completion.standing(klass, person_id)
    got = standing.people.get(person_id)
    context = {
        "klass": klass,
        "sessions": classes.sessions_of(klass),
        "enrolment": enrolment if enrolment and enrolment.active else None,
        "got": got,
        "standing": standing,
        "completed": got is not None and standing.completed(person_id),
        "may_sign_up": person_id is not None
        and klass.status == ClassStatus.PUBLISHED
        and klass.enrolment == Enrol.SIGN_UP
        and not (enrolment and enrolment.active),
        "may_check_in": klass.status == ClassStatus.PUBLISHED and enrolment and enrolment.active,
        "manage": classes.can_manage(request.user, klass),
        "code_form": class_forms.CodeForm(),
    }
    return render_page(request, "learning/class.html", context)


@login_required
@require_POST
def class_act(request, pk: int, action: str):
    """The class's forms and buttons, each a row of ``class_actions.CLASS``."""
    klass = classes.require_visible(request.user, pk)
    if action not in class_actions.CLASS:
        return HttpResponse("没有这个操作", status=404)
    outcome = core_actions.run(class_actions.CLASS, request.user, klass, action, request.POST)
    back = request.POST.get("back", "")
    if outcome.ok:
        if action == "check_in" and not outcome.result.first:
            messages.info(request, "您已签到")
        else:
            messages.success(request, class_actions.CLASS[action].done)
    else:
        messages.error(request, "；".join(class_actions.messages(outcome.form)))
    session = parse_id(request.POST.get("session", ""))
    if back == "screen" and session is not None:
        return redirect("learning:session_screen", pk=session)
    return redirect(BACK.get(back, "learning:class"), pk=klass.pk)


@login_required
@never_cache
def session_checkin(request, pk: int):
    """The page a phone opens from a session's QR code: one button that checks the signed-in
    member in; nothing happens on GET."""
    session = ClassSession.objects.filter(pk=pk).first()
    if session is None:
        raise Http404("课次不存在")
    klass = classes.require_visible(request.user, session.klass_id)
    code = request.POST.get("c") or request.GET.get("c", "")
    result, error = None, ""
    if not rotating_codes.is_valid(session.pk, session.checkin_secret, code):
        error = rotating_codes.EXPIRED
    elif request.method == "POST":
        data = {"code": code, "session": str(session.pk)}
        outcome = core_actions.run(class_actions.CLASS, request.user, klass, "check_in", data)
        if outcome.ok:
            result = outcome.result
        else:
            error = "；".join(class_actions.messages(outcome.form))
    context = {
        "klass": klass,
        "session": session,
        "code": code,
        "result": result,
        "error": error,
        "expired": rotating_codes.EXPIRED,
    }
    return render_page(
        request, "learning/session_checkin.html", context, status=422 if error else 200
    )


@login_required
def certificate(request, pk: int):
    """The 结业证书 (PDF): one's own, or an organiser's for ``?person=``."""
    klass = classes.require_visible(request.user, pk)
    person_id = parse_id(request.GET.get("person", "")) if request.GET.get("person") else None
    try:
        name, body = class_certificate.download(request.user, klass, person_id)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("learning:class", pk=klass.pk)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# External training ------------------------------------------------------------------------------
@login_required
def my_external(request):
    """我的外出培训: record one (with a proof) and see each one's status."""
    form = None
    status = 200
    if request.method == "POST":
        outcome = core_actions.run(
            class_actions.NEW_EXTERNAL, request.user, None, "record", request.POST, request.FILES
        )
        if outcome.ok:
            messages.success(request, class_actions.NEW_EXTERNAL["record"].done)
            return redirect("learning:external")
        form, status = outcome.form, 422
        messages.error(request, "；".join(class_actions.messages(outcome.form)))
    person = getattr(request.user, "person", None)
    context = {
        "form": form or class_forms.ExternalForm(),
        "rows": list(external.mine(request.user).prefetch_related("proofs")),
        "member": person is not None and person.party_branch_id is not None,
        "organises": services.organises(request.user),
        "reads": services.reads(request.user),
    }
    return render_page(request, "learning/external_mine.html", context, status=status)


@login_required
def external_proof(request, pk: int, file_pk: int):
    return filestore.download(external.proof(request.user, pk, file_pk))
