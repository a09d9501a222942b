"""One meeting's pages: its page (record, attendance, votes, files, appraisal, the check-in code
shown at the meeting), the forms it posts (dispatched through ``life.actions``), its files and
minutes, and the page a phone opens when it scans the code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangqun.core import filestore, qrcodes
from dangqun.core.rules import get_rule
from dangqun.life import (
    actions,
    appraisal,
    attendance,
    checkins,
    forms,
    pdf,
    recording,
    services,
    voting,
)
from dangqun.life.models import (
    Appraisal,
    Grade,
    Kind,
    MeetingFile,
    Presence,
    Rater,
    SelfAssessment,
    Status,
)
from dangqun.life.views import feed_url
from dangqun.web.htmx import render_page

OPEN = (Status.PLANNED, Status.HELD)
OPEN_FORMS = {"record", "leave", "vote", "cancel", "files"}  # shown while the meeting is open
FORM_ON_PAGE = {  # the action's form as the meeting's page names it; the others are buttons
    "record": "record_form",
    "leave": "leave_form",
    "addendum": "note_form",
    "files": "files_form",
    "vote": "vote_form",
    "cancel": "cancel_form",
}
UNREADABLE = {"mark": "请选择出席情况"}  # a button's input that could not be read
KEPT = "您刚填写的会议记录已放入下方“补充说明”，确认后点“添加补充说明”即可保存"
CHANGED = "确认期间签到或请假情况有变化，请核对将记为缺席的人员后重新确认"


@login_required
def detail(request, pk: int):
    meeting = services.require_visible(request.user, pk)
    return _detail(request, meeting)


def _detail(request, meeting, *, form_errors: dict | None = None, status: int = 200):
    user = request.user
    manage = services.can_manage(user, meeting.org)
    attendees = list(
        meeting.attendees.select_related("person").order_by("role", "person__employee_no")
    )
    mine = next((a for a in attendees if a.person_id == getattr(user, "person_id", None)), None)
    open_ = meeting.status in OPEN
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "counts": attendance.attendance_counts(attendees),
        "manage": manage,
        "open": open_,
        "mine": mine,
        "record_form": forms.RecordForm(initial=_record_initial(meeting), meeting=meeting),
        "leave_form": forms.LeaveForm(),
        "note_form": forms.NoteForm(),
        "cancel_form": forms.CancelForm(),
        "addenda": meeting.addenda.select_related("author").prefetch_related("files"),
        "files": [f for f in meeting.files.all() if f.addendum_id is None],
        "files_form": forms.FilesForm(),
        "files_removable": manage and open_,
        "votes": [
            (vote, voting.decide(vote.voting_expected, vote.voting_present, vote.yes))
            for vote in meeting.votes.all()
        ],
        "vote_form": forms.VoteForm(),
        "quorum_rule": get_rule("life.quorum"),
        "presences": [(p.value, p.label) for p in Presence if p != Presence.EXPECTED],
        "checkin_code": checkins.checkin_code(meeting) if manage and open_ else "",
        "org_feed": feed_url(request, "org", meeting.org_id),
        **_appraisal_context(user, meeting, manage),
        "now": timezone.now(),
        **(form_errors or {}),
    }
    return render_page(request, "life/detail.html", context, status=status)


def _record_initial(meeting) -> dict:
    initial = {
        name: getattr(meeting, name)
        for name in (
            *("topic", "starts_at", "ends_at", "place", "host", "recorder"),
            *("agenda", "minutes", "decisions"),
        )
    }
    initial["starts_at"] = timezone.localtime(meeting.starts_at)
    if meeting.ends_at:
        initial["ends_at"] = timezone.localtime(meeting.ends_at)
    return initial


def _appraisal_context(user, meeting, manage: bool) -> dict:
    if meeting.kind not in (Kind.APPRAISAL, Kind.LIFE_MEETING):
        return {}
    found = Appraisal.objects.filter(meeting=meeting).first()
    context = {"appraisal": found, "grades": Grade.choices}
    if found is None:
        return context
    people = appraisal.participants(found)
    person_id = getattr(user, "person_id", None)
    me = next((p for p in people if p.pk == person_id), None)
    context.update(
        {
            "appraisal_people": people,
            "appraisal_raters": found.raters.count(),
            "appraisal_me": me,
            "appraisal_rated": me is not None
            and Rater.objects.filter(appraisal=found, person=me).exists(),
            "appraisal_others": [p for p in people if p.pk != person_id],
            "appraisal_self": SelfAssessment.objects.filter(
                appraisal=found, person_id=person_id
            ).first(),
            "appraisal_tallies": appraisal.tallies(found) if manage else None,
            "appraisal_rule": get_rule("life.peer_rating"),
        }
    )
    return context


@login_required
@require_POST
def act(request, pk: int, action: str):
    """The meeting's forms and buttons, each an action of ``life.actions.ACTIONS``."""
    meeting = services.require_visible(request.user, pk)
    if action not in actions.ACTIONS:
        return HttpResponse("没有这个操作", status=404)
    if action == "finalise" and actions.keeps(request.user, meeting):
        unconfirmed = _unconfirmed(request, meeting)
        if unconfirmed is not None:
            return unconfirmed
    outcome = actions.run(request.user, meeting, action, request.POST, request.FILES)
    if outcome.ok:
        messages.success(request, actions.ACTIONS[action].done)
        return redirect("life:detail", pk=meeting.pk)
    name = FORM_ON_PAGE.get(action)
    closed = action in OPEN_FORMS and meeting.status not in OPEN
    if name is not None and not (closed and outcome.refused):
        return _detail(request, meeting, form_errors={name: outcome.form}, status=422)
    reason = "；".join(actions.messages(outcome.form))
    if action in UNREADABLE and not outcome.refused:
        reason = UNREADABLE[action]
    if action == "record" and meeting.is_finalised:
        kept = _typed_record(meeting, outcome.form.cleaned_data)
        if kept:  # finalised meanwhile: what was typed becomes a draft addendum
            messages.error(request, f"{reason}。{KEPT}")
            draft = forms.NoteForm(initial={"text": kept})
            return _detail(request, meeting, form_errors={"note_form": draft}, status=409)
    messages.error(request, reason)  # the form is no longer on the page: the reason goes on top
    return redirect("life:detail", pk=meeting.pk)


@login_required
def finalise(request, pk: int):
    """记录定稿 is irreversible: this page says what it will do (who will be marked absent,
    whether the quorum of rule ``life.quorum`` is met) and asks for an explicit confirmation,
    which posts to the ``finalise`` action. The API's action takes no confirmation."""
    meeting = services.require_visible(request.user, pk)
    if not actions.keeps(request.user, meeting):
        raise PermissionDenied(actions.REFUSED)
    if meeting.status not in OPEN:
        messages.info(request, "该组织生活记录已定稿或已取消")
        return redirect("life:detail", pk=meeting.pk)
    consequences = recording.finalise_consequences(meeting)
    context = {"meeting": meeting, "consequences": consequences}
    return render_page(request, "life/finalise.html", context)


def _unconfirmed(request, meeting):
    """Back to the confirmation page unless the keeper confirmed the consequences as they still
    are (None when confirmed)."""
    if request.POST.get("confirm") != "1":
        return redirect("life:finalise", pk=meeting.pk)
    if request.POST.get("absent", "") != recording.finalise_consequences(meeting).fingerprint:
        messages.error(request, CHANGED)
        return redirect("life:finalise", pk=meeting.pk)
    return None


def _typed_record(meeting, data: dict) -> str:
    """The minutes and decisions typed into a form the meeting's finalisation overtook, where
    they differ from the finalised record."""
    parts = []
    for name, label in (("minutes", "会议记录"), ("decisions", "决议事项")):
        typed = (data.get(name) or "").strip()
        if typed and typed != (getattr(meeting, name) or "").strip():
            parts.append(f"{label}：\n{typed}")
    return "\n\n".join(parts)


@login_required
def meeting_file(request, pk: int, file_pk: int):
    """A photo or document of a meeting the user may see: a photo's preview (``?preview=1``) or
    the photo itself (``?inline=1``) in the page, anything else as a download."""
    meeting = services.require_visible(request.user, pk)
    row = get_object_or_404(MeetingFile, pk=file_pk, meeting=meeting)
    if request.GET.get("preview") == "1":
        return filestore.download(row, inline=True, preview=row.preview)
    return filestore.download(row, inline=request.GET.get("inline") == "1")


@login_required
def minutes_pdf(request, pk: int):
    meeting = services.require_visible(request.user, pk)
    response = HttpResponse(pdf.minutes(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="meeting-{meeting.pk}.pdf"'
    return response


# Check-in -----------------------------------------------------------------------------------
@login_required
@never_cache
def qr(request, pk: int):
    """The code to show at the meeting (SVG), for its keepers only; it changes every 30 s."""
    meeting, code = checkins.shown_code(request.user, pk)
    url = request.build_absolute_uri(reverse("life:checkin", args=[meeting.pk]) + f"?c={code}")
    return qrcodes.response(url, scale=8, title="签到二维码")


@login_required
@never_cache
def qr_panel(request, pk: int):
    """The check-in code's content, polled so the code on screen rotates: the meeting page's
    card, or (``?screen=1``) the projector's page."""
    meeting, code = checkins.shown_code(request.user, pk)
    context = {"meeting": meeting, "code": code, "now": timezone.now()}
    template = "life/_qr_screen.html" if request.GET.get("screen") else "life/_qr.html"
    return render_page(request, template, context)


@login_required
@never_cache
def qr_screen(request, pk: int):
    """The check-in code large, for a projector or a big screen at the meeting."""
    meeting, code = checkins.shown_code(request.user, pk)
    context = {"meeting": meeting, "code": code, "now": timezone.now()}
    return render_page(request, "life/qr_screen.html", context)


@login_required
@never_cache
def checkin(request, pk: int):
    """The page a phone opens from the code: one button; the check-in happens on POST only.
    Anyone logged in with the current code may check in (a person not on the list comes as
    列席); without it the page shows nothing of the meeting."""
    code = request.POST.get("c") or request.GET.get("c", "")
    try:
        meeting = checkins.meeting_for_code(pk, code)
    except PermissionDenied as exc:
        context = {"meeting": None, "error": str(exc)}
        return render_page(request, "life/checkin.html", context, status=403)
    result, error = None, ""
    if request.method == "POST":
        outcome = actions.check_in(request.user, meeting, {"code": code})
        result = outcome.result
        error = "；".join(actions.messages(outcome.form)) if not outcome.ok else ""
    return render_page(
        request,
        "life/checkin.html",
        {"meeting": meeting, "code": code, "result": result, "error": error},
        status=422 if error else 200,
    )
