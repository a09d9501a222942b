"""Who may see and do what with a voice, and the pieces every step of it shares.

``visible_to`` / ``require_visible`` answer "which voices may this user open"; ``can_manage`` and
``can_handle`` decide who acts on one; a query code opens a voice to the person who raised it
without an account. Each step is a function in its topic module (``intake``, ``handling``,
``followup``, ``publishing``, ``categories``) taking the acting user, checking the scope, writing
the change, its ``VoiceEvent`` (``add_event``) and its audit row in one transaction, on the voice
as stored and locked now (``locked``).

The person who raised a voice acts through their account or, without one, through the query code
they were given; an anonymous person's acts leave no actor, address or request id anywhere.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from dangqun.accounts.roles import HANDLE_VOICES, MANAGE_VOICES, VIEW_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import crypto
from dangqun.core.workcalendar import working_hours_between
from dangqun.voices.models import Identity, Voice, VoiceEvent

Action = VoiceEvent.Action

MAX_TITLE = 100
MAX_CONTENT = 5000  # an answer, a note added, a proposal's reasons
# A voice's own text: real complaints run to pages (one archive held a 12,220-character one).
MAX_BODY = 50_000
MAX_NOTE = 2000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand
CODE_LENGTH = 12
SUBMITTER = "反映人"


# Who sees what ------------------------------------------------------------------------------
def visible_to(user) -> QuerySet:
    """Voices the user may open: their work (``in_scope``) or their own (not anonymous ones:
    nothing links those to anybody)."""
    query = _scope_q(user)
    if getattr(user, "is_authenticated", False):
        query |= Q(user=user)
    return Voice.objects.filter(query)


def in_scope(user) -> QuerySet:
    """The staff inbox: voices raised in or handled by the user's sub-trees, or assigned to
    their units. Their own voices are under 我的反映; leaving them out lets PostgreSQL count a
    unit's voices from an index alone."""
    return Voice.objects.filter(_scope_q(user))


def _scope_q(user) -> Q:
    scope = Scope.of(user)
    return scope.within(VIEW_VOICES, "unit", "handling_org") | scope.within(
        HANDLE_VOICES, "handling_org"
    )


def require_inbox(user) -> None:
    """The staff inbox is for those who view or handle voices somewhere."""
    scope = Scope.of(user)
    require(scope.has(VIEW_VOICES) or scope.has(HANDLE_VOICES), "您没有查看群众呼声的权限")


def may_view_rates(user) -> bool:
    return Scope.of(user).has(VIEW_VOICES)


def manages_somewhere(user) -> bool:
    """Whether the user manages voices of some unit: categories, congresses, imports, the QR
    posters and the calendar settings are theirs."""
    return Scope.of(user).has(MANAGE_VOICES)


def require_manager(user, message: str) -> None:
    """Refuse (with ``message``, saying what was refused) anyone who manages no voices."""
    require(manages_somewhere(user), message)


def require_poster_maker(user, unit) -> None:
    require(Scope.of(user).can(MANAGE_VOICES, unit), "您无权生成该单位的二维码")


def can_manage(user, voice: Voice) -> bool:
    scope = Scope.of(user)
    return any(scope.can(MANAGE_VOICES, org) for org in (voice.unit, voice.handling_org) if org)


def can_handle(user, voice: Voice) -> bool:
    return voice.handling_org is not None and Scope.of(user).can(HANDLE_VOICES, voice.handling_org)


def staff_sees(user, voice: Voice) -> bool:
    """Whether the user sees the voice as staff (their work), not only as the person who raised it."""
    return visible_to(user).exclude(user=user).filter(pk=voice.pk).exists()


def sees_contact(user, voice: Voice) -> bool:
    """Whether the user may read the contact details the person left: not for 匿名, and for 保密
    only the voice's managers."""
    if voice.identity == Identity.ANONYMOUS:
        return False
    if voice.identity == Identity.CONFIDENTIAL:
        return can_manage(user, voice)
    return True


def who_raised(user, voice: Voice) -> str:
    """The name a viewer may see: 实名 to anyone who sees the voice, 保密 to its managers only."""
    if voice.identity == Identity.ANONYMOUS:
        return "匿名"
    if voice.identity == Identity.CONFIDENTIAL and not can_manage(user, voice):
        return "保密"
    if voice.person_id:
        return str(voice.person.name)
    return voice.contact_name or "未留姓名"


# Query codes ------------------------------------------------------------------------------
def new_query_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return crypto.keyed_hash("voice:" + normalised)


def find_by_code(code: str) -> Voice | None:
    """The voice a query code opens, or None (a wrong or forged code says nothing more)."""
    if not code or len(code) > 40:
        return None
    return (
        Voice.objects.select_related("unit", "handling_org")
        .filter(query_code_hash=code_hash(code))
        .first()
    )


def require_visible(user, pk: int) -> Voice:
    """The voice if the user may open it; a representative asked to second a proposal may too."""
    related = ("unit", "handling_org", "category", "person", "handler", "congress")
    voice = visible_to(user).select_related(*related).filter(pk=pk).first()
    person_id = getattr(user, "person_id", None)
    if voice is None and person_id:
        voice = (
            Voice.objects.select_related(*related)
            .filter(pk=pk, seconders__person_id=person_id)
            .first()
        )
    if voice is None:
        raise Http404("不存在或无权查看")
    return voice


def is_submitter(actor, voice: Voice) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and voice.user_id == actor.pk)


# What every step shares ---------------------------------------------------------------------
def locked(voice: Voice) -> Voice:
    """The stored voice, locked until the transaction ends: two acts on it run one after the
    other, and the second sees what the first did."""
    return (
        Voice.objects.select_for_update(of=("self",))
        .select_related("unit", "handling_org")
        .get(pk=voice.pk)
    )


def hours_taken(start, end) -> float | None:
    return round(working_hours_between(start, end), 2) if start and end else None


def expect_status(voice: Voice, statuses, message: str) -> None:
    statuses = (statuses,) if isinstance(statuses, str) else tuple(statuses)
    if voice.status not in statuses:
        raise ValidationError({"status": message})


def require_note(text: str, message: str, limit: int = MAX_NOTE) -> None:
    if not (text or "").strip():
        raise ValidationError({"note": message})
    if len(text) > limit:
        raise ValidationError({"note": f"不能超过 {limit} 个字（现有 {len(text)} 个字）"})


def add_event(voice, action, actor, note: str = "", *, org=None, due=None) -> VoiceEvent:
    """A step in the voice's history; without an actor it was the person's (反映人) or the
    system's doing."""
    label = ""
    if actor is None:
        label = SUBMITTER if action in (Action.SUBMIT, Action.ADD_INFO, Action.RATE) else "系统"
    return VoiceEvent.objects.create(
        voice=voice,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label,
        org=org,
        note=(note or "").strip(),
        due=due,
    )
