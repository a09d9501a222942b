"""What can be done to a voice, by whom and with which form: one table (``core.actions``) that
the pages and ``POST /api/voices/{id}/{step}/`` share."""

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope
from dangqun.core import actions
from dangqun.core.actions import Action
from dangqun.voices import followup, forms, handling, proposals, publishing, services

REFUSED = "您无权对该呼声执行此操作"


def handling_orgs(user):
    return Scope.of(user).orgs(MANAGE_VOICES).exclude(dissolved_on__isnull=False).order_by("path")


def _orgs(user, voice) -> dict:
    return {"orgs": handling_orgs(user)}


def _second(agree: bool):
    def do(user, voice, data):
        return proposals.second(user, voice, agree=agree, note=data.get("note", ""))

    return do


def _manager_or_handler(user, voice) -> bool:
    return services.can_manage(user, voice) or services.can_handle(user, voice)


def _manage(form, do) -> Action:
    return Action(form, do, allowed=services.can_manage, refused=REFUSED)


def _handle(form, do) -> Action:
    return Action(form, do, allowed=services.can_handle, refused=REFUSED)


def _submitter(form, do) -> Action:
    return Action(form, do, allowed=services.is_submitter, refused=REFUSED)


ACTIONS: dict[str, Action] = {
    "assign": Action(
        forms.AssignForm,
        lambda u, v, d: handling.assign(u, v, **d),
        allowed=services.can_manage,
        form_kwargs=_orgs,
        refused=REFUSED,
    ),
    "transfer": Action(
        forms.TransferForm,
        lambda u, v, d: handling.transfer(u, v, **d),
        allowed=services.can_manage,
        form_kwargs=_orgs,
        refused=REFUSED,
    ),
    "refuse": _manage(forms.NoteForm, lambda u, v, d: handling.refuse(u, v, reason=d["note"])),
    "supervise": _manage(forms.NoteForm, lambda u, v, d: handling.supervise(u, v, note=d["note"])),
    "merge": _manage(
        forms.MergeForm,
        lambda u, v, d: handling.merge(u, v, into=d["into"], note=d.get("note", "")),
    ),
    "approve_extension": _manage(
        None, lambda u, v, d: handling.decide_extension(u, v, approve=True)
    ),
    "refuse_extension": _manage(
        None, lambda u, v, d: handling.decide_extension(u, v, approve=False)
    ),
    "respond": _handle(None, lambda u, v, d: handling.respond(u, v)),
    "send_back": _handle(
        forms.NoteForm, lambda u, v, d: handling.send_back(u, v, reason=d["note"])
    ),
    "ask_info": Action(
        forms.NoteForm,
        lambda u, v, d: handling.ask_info(u, v, question=d["note"]),
        allowed=_manager_or_handler,
        refused=REFUSED,
    ),
    "ask_extension": _handle(
        forms.ExtensionForm,
        lambda u, v, d: handling.ask_extension(u, v, until=d["until"], reason=d["note"]),
    ),
    "answer": _handle(
        forms.AnswerForm,
        lambda u, v, d: handling.answer(u, v, text=d["text"], solved=d["solved"], files=d["files"]),
    ),
    "rate": _submitter(
        forms.RateForm,
        lambda u, v, d: followup.rate(u, v, rating=d["rating"], comment=d["comment"]),
    ),
    "info": _submitter(
        forms.InfoForm, lambda u, v, d: followup.add_info(u, v, text=d["text"], files=d["files"])
    ),
    "publish": _manage(forms.PublishForm, lambda u, v, d: publishing.publish(u, v, **d)),
    "second": Action(
        forms.OptionalNoteForm, _second(True), allowed=proposals.is_asked, refused=REFUSED
    ),
    "decline_second": Action(
        forms.OptionalNoteForm, _second(False), allowed=proposals.is_asked, refused=REFUSED
    ),
    "invite": Action(
        forms.InviteForm,
        lambda u, v, d: proposals.invite(u, v, [rep.person for rep in d["seconders"]]),
        allowed=services.is_submitter,
        form_kwargs=lambda u, v: {"voice": v},
        refused=REFUSED,
    ),
    "unpublish": _manage(None, lambda u, v, d: publishing.unpublish(u, v)),
}
ALLOWED = {name: action.allowed for name, action in ACTIONS.items() if action.allowed}


def run(user, voice, name: str, data, files=None):
    """Do the action; None when done, else the (bound) form with the errors to show."""
    outcome = actions.run(ACTIONS, user, voice, name, data, files)
    return None if outcome.ok else outcome.form
