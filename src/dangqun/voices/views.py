"""Pages for voices: the person's form (web and QR), following by query code, the inbox, a voice's
page with what the viewer may do, and a unit's QR poster. Logic lives in ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from dangqun.core import filestore, qrcodes
from dangqun.core.forms import add_errors
from dangqun.core.middleware import client_address
from dangqun.core.paging import IdFirstPaginator, query_without_page
from dangqun.voices import (
    actions,
    followup,
    forms,
    handling,
    intake,
    posters,
    proposals,
    services,
    suggestions,
    throttle,
)
from dangqun.voices import inbox as inbox_lists
from dangqun.voices.models import (
    OPEN_STATUSES,
    Attachment,
    Channel,
    Kind,
    Status,
    Voice,
)
from dangqun.web.htmx import render_page

PAGE_SIZE = 30
# Notes the person who raised a voice reads (the others are between staff)
PERSON_NOTES = ("submit", "return", "ask_info", "add_info", "answer", "rate", "reopen")


# The person ----------------------------------------------------------------------------------
@login_required
@never_cache
def new(request):
    """我要反映, for a logged-in employee: the account says who (unless they choose 匿名)."""
    person = request.user.person
    if person is None:
        return render_page(request, "voices/no_person.html", {})
    form = forms.VoiceForm(request.POST or None, request.FILES or None, with_contact=False)
    if request.method == "POST" and form.is_valid():
        submitted = _submit(form, request.user, person.unit, Channel.WEB)
        if submitted is not None:
            return render_page(request, "voices/submitted.html", {"submitted": submitted})
    return render_page(request, "voices/new.html", {"form": form, "unit": person.unit})


@never_cache
@sensitive_post_parameters("title", "content", "contact_name", "contact_phone")
def qr_page(request, token: str):
    """The page a unit's QR code opens on a phone: no login, any identity."""
    unit = posters.unit_of_token(token)
    form = forms.VoiceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not throttle.allow_submission(client_address(request), unit.pk):
            form.add_error(None, "提交过于频繁，请稍后再试（已填写的内容仍在下面）")
            status = 429
        else:
            submitted = _submit(form, None, unit, Channel.QR)
            if submitted is not None:
                return render_page(request, "voices/submitted.html", {"submitted": submitted})
    return render_page(request, "voices/qr.html", {"form": form, "unit": unit}, status=status)


def _submit(form, actor, unit, channel):
    data = form.cleaned_data
    try:
        return intake.submit(
            actor,
            data,
            unit=unit,
            channel=channel,
            identity=data["identity"],
            files=data.get("files", []),
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return None


@never_cache
@sensitive_post_parameters("code", "text", "comment", "attachment")
def follow(request):
    """Follow a voice with its query code: status, history, answer; add information; rate."""
    # The code travels in POST bodies only: never in an address, a server log or a Referer.
    code_form = forms.CodeForm(request.POST or None)
    context = {"code_form": code_form}
    if code_form.is_bound and code_form.is_valid():
        code = code_form.cleaned_data["code"]
        if not throttle.allow_code_attempt(client_address(request)):
            code_form.add_error("code", "查询过于频繁，请 10 分钟后再试")
            return render_page(request, "voices/follow.html", context, status=429)
        voice = services.find_by_code(code)
        if voice is None:
            code_form.add_error("code", "查询码不正确，请核对后重新输入")
        else:
            context.update(_follow_context(request, voice, code))
            if "file" in context:
                return filestore.download(context["file"])
    return render_page(request, "voices/follow.html", context)


@login_required
def attachment(request, pk: int, file_pk: int):
    voice = services.require_visible(request.user, pk)
    return filestore.download(get_object_or_404(Attachment, pk=file_pk, voice=voice))


def _follow_context(request, voice: Voice, code: str) -> dict:
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "file":  # an attachment of this voice, fetched with the code
        attachment = voice.attachments.filter(pk=request.POST.get("attachment") or 0).first()
        if attachment is not None:
            return {"file": attachment}
    info_form = forms.InfoForm(
        request.POST if action == "info" else None, request.FILES if action == "info" else None
    )
    rate_form = forms.RateForm(request.POST if action == "rate" else None)
    done = ""
    try:
        if action == "info" and info_form.is_valid():
            data = info_form.cleaned_data
            followup.add_info(None, voice, text=data["text"], by_code=True, files=data["files"])
            info_form, done = forms.InfoForm(), "补充信息已提交"
        elif action == "rate" and rate_form.is_valid():
            data = rate_form.cleaned_data
            followup.rate(None, voice, rating=data["rating"], comment=data["comment"], by_code=True)
            done = "感谢您的评价"
    except ValidationError as exc:
        add_errors(info_form if action == "info" else rate_form, exc)
    voice.refresh_from_db()
    return {
        "voice": voice,
        "code": code,
        "events": voice.events.select_related("org").prefetch_related("attachments"),
        "info_form": info_form,
        "rate_form": rate_form,
        "done": done,
        "can_add_info": voice.status in (*OPEN_STATUSES, Status.ANSWERED),
    }


# Staff -------------------------------------------------------------------------------------
@login_required
def inbox(request):
    show = request.GET.get("show", inbox_lists.DEFAULT_TAB)
    show = show if show in inbox_lists.TABS else inbox_lists.DEFAULT_TAB
    overdue = request.GET.get("overdue") == "1"
    soon = request.GET.get("soon") == "1"
    words = request.GET.get("q", "").strip()[:100]
    since = inbox_lists.read_day(request.GET.get("since"))
    until = inbox_lists.read_day(request.GET.get("until"))
    voices = inbox_lists.inbox(
        request.user, show, overdue=overdue, soon=soon, words=words, since=since, until=until
    )
    voices = voices.select_related("unit", "handling_org", "category")
    now = timezone.now()
    page = IdFirstPaginator(voices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "voices/inbox.html",
        {
            "page": page,
            "filters": [(key, label) for key, (label, _) in inbox_lists.TABS.items()],
            "show": show,
            "overdue": overdue,
            "soon": soon,
            "words": words,
            "since": since,
            "until": until,
            "query": query_without_page(request.GET),
            "now": now,
            "can_view_rates": services.may_view_rates(request.user),
            "can_manage": services.manages_somewhere(request.user),
        },
        partial="results",
    )


@login_required
def mine(request):
    show = request.GET.get("show", "")
    show = show if show in inbox_lists.MINE else ""
    voices = Voice.objects.filter(user=request.user, **inbox_lists.MINE[show][1])
    voices = voices.select_related("unit", "handling_org")
    page = IdFirstPaginator(voices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "now": timezone.now(), "show": show, "shows": inbox_lists.MINE}
    return render_page(request, "voices/mine.html", context)


@login_required
def detail(request, pk: int, forms_with_errors: dict | None = None):
    voice = services.require_visible(request.user, pk)
    user = request.user
    manage, handle = services.can_manage(user, voice), services.can_handle(user, voice)
    own = services.is_submitter(user, voice)
    orgs = actions.handling_orgs(user) if manage else None
    smart_help = _smart_help(user, voice, manage=manage, handle=handle)
    assign_initial = _assign_initial(voice, smart_help.get("suggested"))
    context = {
        **smart_help,
        "voice": voice,
        "raised_by": services.who_raised(user, voice),
        "contact": voice.contact_phone if services.sees_contact(user, voice) else "",
        "events": voice.events.select_related("actor", "org").prefetch_related("attachments"),
        "manage": manage,
        "handle": handle,
        "own": own,
        "now": timezone.now(),
        "forms": {
            "assign": forms.AssignForm(orgs=orgs, initial=assign_initial),
            "transfer": forms.TransferForm(orgs=orgs),
            "note": forms.NoteForm(),
            "answer": forms.AnswerForm(initial=_answer_draft(request, voice, handle)),
            "extension": forms.ExtensionForm(),
            "rate": forms.RateForm(),
            "info": forms.InfoForm(),
            "second": forms.OptionalNoteForm(),
            "publish": forms.PublishForm(
                initial={
                    "content": voice.public_content or voice.content,
                    "answer_text": voice.public_answer or voice.answer,
                }
            ),
            **(forms_with_errors or {}),
        },
        "pending_extension": manage and handling.pending_extension(voice),
        **_proposal_context(user, voice, forms_with_errors),
        "publishable": voice.status in (Status.ANSWERED, Status.CLOSED),
        # The person who raised it reads what the query-code page shows: no staff names or notes
        "person_view": own and not (manage or handle or services.staff_sees(user, voice)),
        "person_notes": PERSON_NOTES,
        # on a phone, the step the person came for goes above the voice: rate it, take or answer it
        "act_first": (own and voice.status == Status.ANSWERED)
        or (handle and voice.status in (Status.ASSIGNED, Status.IN_PROGRESS)),
    }
    return render_page(request, "voices/detail.html", context)


def _smart_help(user, voice: Voice, *, manage: bool, handle: bool) -> dict:
    """While a voice is open, from one probe of the near-duplicate index over all of history:
    for an admin, voices that may repeat this one (to merge); for an admin or the handler, similar
    voices answered before, whose answer can start this one's. Before 受理, the category learned
    from handled voices (pre-filled when confident enough)."""
    if voice.status not in OPEN_STATUSES or not (manage or handle):
        return {}
    similar = suggestions.similar_voices(user, voice)
    help_ = {"answered_before": similar.answered, "draftable": handle}
    if manage:
        help_["duplicates"] = similar.duplicates
    if manage and voice.status == Status.SUBMITTED:
        help_["suggested"] = suggestions.suggest_categories(voice.title, voice.content)
    return help_


def _assign_initial(voice: Voice, suggested) -> dict:
    """The 受理 form's first values: the voice's category, else the confident suggestion (the 3
    most likely are shown as hints either way), and that category's default unit if it has one
    (a category without one leaves the unit to the admin)."""
    category, urgency = voice.category, voice.urgency
    if category is None and suggested is not None and suggested.prefill is not None:
        category = suggested.prefill.category
        urgency = category.urgency
    initial = {"urgency": urgency, "category": category.pk if category else None}
    if category is not None and category.handling_org_id:
        initial["handling_org"] = category.handling_org_id
    return initial


def _answer_draft(request, voice: Voice, handle: bool) -> dict:
    """``?draft=<id>``: the handler starts the answer from a similar voice's answer."""
    if not handle or "draft" not in request.GET:
        return {}
    return {"text": suggestions.answer_draft(request.user, voice, request.GET["draft"])}


def _proposal_context(user, voice: Voice, forms_with_errors) -> dict:
    """A proposal's seconders, and whether the viewer is asked to second it."""
    if voice.kind != Kind.PROPOSAL:
        return {}
    seconders = list(voice.seconders.select_related("person"))
    mine = next((s for s in seconders if s.person_id == user.person_id), None)
    return {
        "seconders": seconders,
        "asked": mine is not None and mine.answer == mine.Answer.INVITED,
        "invite_form": (forms_with_errors or {}).get("invite") or forms.InviteForm(voice=voice),
        "proposal_rule": proposals.rule(),
    }


FORM_KEY = {"refuse": "note", "supervise": "note", "send_back": "note", "ask_info": "note"}
FORM_KEY.update({"ask_extension": "extension", "decline_second": "second"})


@login_required
@require_POST
def act(request, pk: int, action: str):
    if action not in actions.ACTIONS:
        raise Http404
    voice = services.require_visible(request.user, pk)
    form = actions.run(request.user, voice, action, request.POST, request.FILES)
    if form is None:
        return redirect(reverse("voices:detail", args=[pk]) + "#history")
    if all(field.widget.is_hidden for field in form.fields.values()):
        # nothing to re-show (接办, 并入此条): say why at the top of the page
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    response = detail(request, pk, forms_with_errors={FORM_KEY.get(action, action): form})
    response.status_code = 422
    return response


POSTER_SIZES = {"a4": "A4", "a5": "A5"}


@login_required
def qr_poster(request, org_pk: int):
    """A unit's QR poster to print (A4 or A5: its name, the code and what to do), and the code
    itself as a file (``?format=svg|png``, ``&download=1``) linking to its no-login page."""
    unit = posters.require_poster_unit(request.user, org_pk)
    url = request.build_absolute_uri(posters.public_path(unit))
    kind = request.GET.get("format")
    if kind in ("svg", "png"):
        name = f"{unit.name}反映二维码"
        filename = name if request.GET.get("download") else ""
        return qrcodes.response(url, kind=kind, scale=10, title=name, filename=filename)
    size = request.GET.get("size") if request.GET.get("size") in POSTER_SIZES else "a4"
    context = {"unit": unit, "url": url, "size": size, "sizes": POSTER_SIZES}
    return render_page(request, "voices/poster.html", context)
