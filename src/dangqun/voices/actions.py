"""What can be done to a voice, by whom and with which form: one table that the pages and the API
share. ``run`` checks the permission, validates the form (the same for a page's POST and an API's
JSON), calls the service, and returns None or the form carrying the errors."""

from django.core.exceptions import ValidationError

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core.forms import add_errors
from dangqun.voices import forms, proposals, services


def handling_orgs(user):
    return Scope.of(user).orgs(MANAGE_VOICES).exclude(dissolved_on__isnull=False).order_by("path")


def _second(user, voice, data, *, agree: bool):
    return proposals.second(user, voice, agree=agree, note=data.get("note", ""))


ACTIONS = {
    "assign": (forms.AssignForm, lambda u, v, d: services.assign(u, v, **d)),
    "transfer": (forms.TransferForm, lambda u, v, d: services.transfer(u, v, **d)),
    "refuse": (forms.NoteForm, lambda u, v, d: services.refuse(u, v, reason=d["note"])),
    "supervise": (forms.NoteForm, lambda u, v, d: services.supervise(u, v, note=d["note"])),
    "merge": (
        forms.MergeForm,
        lambda u, v, d: services.merge(u, v, into=d["into"], note=d.get("note", "")),
    ),
    "approve_extension": (
        None,
        lambda u, v, d: services.decide_extension(u, v, approve=True),
    ),
    "refuse_extension": (
        None,
        lambda u, v, d: services.decide_extension(u, v, approve=False),
    ),
    "respond": (None, lambda u, v, d: services.respond(u, v)),
    "send_back": (forms.NoteForm, lambda u, v, d: services.send_back(u, v, reason=d["note"])),
    "ask_info": (forms.NoteForm, lambda u, v, d: services.ask_info(u, v, question=d["note"])),
    "ask_extension": (
        forms.ExtensionForm,
        lambda u, v, d: services.ask_extension(u, v, until=d["until"], reason=d["note"]),
    ),
    "answer": (
        forms.AnswerForm,
        lambda u, v, d: services.answer(u, v, text=d["text"], solved=d["solved"], files=d["files"]),
    ),
    "rate": (
        forms.RateForm,
        lambda u, v, d: services.rate(u, v, rating=d["rating"], comment=d["comment"]),
    ),
    "info": (
        forms.InfoForm,
        lambda u, v, d: services.add_info(u, v, text=d["text"], files=d["files"]),
    ),
    "publish": (forms.PublishForm, lambda u, v, d: services.publish(u, v, **d)),
    "second": (forms.OptionalNoteForm, lambda u, v, d: _second(u, v, d, agree=True)),
    "decline_second": (forms.OptionalNoteForm, lambda u, v, d: _second(u, v, d, agree=False)),
    "invite": (
        forms.InviteForm,
        lambda u, v, d: proposals.invite(u, v, [rep.person for rep in d["seconders"]]),
    ),
    "unpublish": (None, lambda u, v, d: services.unpublish(u, v)),
}
MANAGE_ACTIONS = (
    "assign",
    "merge",
    "transfer",
    "refuse",
    "supervise",
    "approve_extension",
    "refuse_extension",
    "publish",
    "unpublish",
)
HANDLE_ACTIONS = ("respond", "send_back", "ask_extension", "answer")
ALLOWED = {
    **dict.fromkeys(MANAGE_ACTIONS, services.can_manage),
    **dict.fromkeys(HANDLE_ACTIONS, services.can_handle),
    "ask_info": lambda u, v: services.can_manage(u, v) or services.can_handle(u, v),
    "rate": services.is_submitter,
    "info": services.is_submitter,
    "second": lambda u, v: proposals.is_asked(u, v),
    "decline_second": lambda u, v: proposals.is_asked(u, v),
    "invite": services.is_submitter,
}


def run(user, voice, action: str, data, files=None):
    """Do ``action``; None when done, else the (bound) form with the errors to show."""
    require(ALLOWED[action](user, voice), "您无权对该呼声执行此操作")
    form_class, do = ACTIONS[action]
    kwargs = {"orgs": handling_orgs(user)} if action in ("assign", "transfer") else {}
    kwargs = {"voice": voice} if action == "invite" else kwargs
    form = form_class(data, files, **kwargs) if form_class else None
    if form is not None and not form.is_valid():
        return form
    try:
        do(user, voice, form.cleaned_data if form else {})
    except ValidationError as exc:
        if form is None:  # an action without fields: the errors need a (validated) form to sit on
            form = forms.NoFieldsForm({})
            form.is_valid()
        add_errors(form, exc)
        return form
    return None
