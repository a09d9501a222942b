"""Handling a voice: admins 受理交办, 转办, 不予受理, 合并, 督办 and decide on 延期; the handling unit
接办, 退回, asks for information or time, and answers."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.orgs.models import Org
from dangqun.voices import notify
from dangqun.voices.attachments import attach, store_files
from dangqun.voices.deadlines import deadline
from dangqun.voices.models import OPEN_STATUSES, Category, Status, Urgency, Voice, VoiceEvent
from dangqun.voices.services import (
    MAX_CONTENT,
    Action,
    add_event,
    can_handle,
    can_manage,
    expect_status,
    hours_taken,
    locked,
    require_note,
)


# Admins: 受理交办, 转办, 不予受理, 合并, 督办, 延期 ------------------------------------------
def assign(
    actor,
    voice: Voice,
    *,
    handling_org: Org,
    category: Category | None = None,
    urgency: str | None = None,
    note: str = "",
) -> Voice:
    """受理 and hand to the unit that must act; the response and resolution deadlines start now."""
    if handling_org is None:
        raise ValidationError({"handling_org": "请选择承办单位"})
    require(Scope.of(actor).can(MANAGE_VOICES, handling_org), "您无权向该单位交办")
    urgency = urgency or (category.urgency if category else voice.urgency)
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "请选择紧急程度"})
    now = timezone.now()
    with transaction.atomic():
        voice = locked(voice)
        require(can_manage(actor, voice), "您无权受理该呼声")
        if voice.status == Status.SECONDING:
            raise ValidationError({"status": "该提案尚在征集附议，附议代表人数够了才能立案"})
        expect_status(voice, Status.SUBMITTED, "该呼声已受理，不能重复受理")
        voice.status = Status.ASSIGNED
        voice.handling_org = handling_org
        voice.category = category or voice.category
        voice.urgency = urgency
        voice.assigned_at = now
        voice.response_due = deadline(now, urgency, "response")
        voice.resolution_due = deadline(now, urgency, "resolution")
        voice.handler = None
        voice.save()
        add_event(voice, Action.ASSIGN, actor, note, org=handling_org, due=voice.resolution_due)
        notify.assigned(voice)
        audit.record(
            actor,
            "voice.assign",
            voice,
            after={"handling_org": handling_org.name, "urgency": urgency},
        )
    return voice


def transfer(actor, voice: Voice, *, handling_org: Org, note: str) -> Voice:
    """转办 to another unit: its response time starts again, the promise to the person stands."""
    require(Scope.of(actor).can(MANAGE_VOICES, handling_org), "您无权向该单位交办")
    require_note(note, "请填写转办原因")
    now = timezone.now()
    with transaction.atomic():
        voice = locked(voice)
        require(can_manage(actor, voice), "您无权转办该呼声")
        expect_status(voice, (Status.ASSIGNED, Status.IN_PROGRESS), "该呼声当前不能转办")
        before = voice.handling_org.name if voice.handling_org else ""
        voice.status = Status.ASSIGNED
        voice.handling_org = handling_org
        voice.handler = None
        voice.response_due = deadline(now, voice.urgency, "response")
        voice.save()
        add_event(voice, Action.TRANSFER, actor, note, org=handling_org)
        notify.assigned(voice, again="转办")
        audit.record(
            actor,
            "voice.transfer",
            voice,
            before={"handling_org": before},
            after={"handling_org": handling_org.name},
        )
    return voice


def refuse(actor, voice: Voice, *, reason: str) -> Voice:
    """不予受理, with the reason the person will read."""
    require_note(reason, "请填写不予受理的理由，反映人将看到")
    with transaction.atomic():
        voice = locked(voice)
        require(can_manage(actor, voice), "您无权处理该呼声")
        expect_status(voice, Status.SUBMITTED, "只有待受理的呼声可以不予受理")
        voice.status = Status.RETURNED
        voice.closed_at = timezone.now()
        voice.save()
        add_event(voice, Action.RETURN, actor, reason)
        audit.record(actor, "voice.refuse", voice, after={"reason": reason})
    return voice


def merge(actor, voice: Voice, *, into: Voice, note: str = "") -> Voice:
    """合并重复: the duplicate follows the voice it repeats (its person can still read that one)."""
    with transaction.atomic():
        first, second = sorted((voice, into), key=lambda v: v.pk)  # one order: no deadlock
        both = {v.pk: v for v in (locked(first), locked(second))}
        voice, into = both[voice.pk], both[into.pk]
        require(can_manage(actor, voice) and can_manage(actor, into), "您无权合并这些呼声")
        if into.pk == voice.pk or into.status == Status.MERGED:
            raise ValidationError({"into": "请选择另一条未被合并的呼声"})
        expect_status(voice, OPEN_STATUSES, "已办结的呼声不能合并")
        voice.status = Status.MERGED
        voice.merged_into = into
        voice.closed_at = timezone.now()
        voice.save()
        add_event(voice, Action.MERGE, actor, note or f"与 {into.number} 重复，合并办理")
        audit.record(actor, "voice.merge", voice, after={"into": into.number})
    return voice


def supervise(actor, voice: Voice, *, note: str) -> Voice:
    """督办: a recorded push to the handling unit."""
    require_note(note, "请填写督办意见")
    with transaction.atomic():
        voice = locked(voice)
        require(can_manage(actor, voice), "您无权督办该呼声")
        expect_status(voice, OPEN_STATUSES, "该呼声已不在办理中")
        add_event(voice, Action.SUPERVISE, actor, note, org=voice.handling_org)
        audit.record(actor, "voice.supervise", voice, after={"note": note})
    return voice


def decide_extension(actor, voice: Voice, *, approve: bool, note: str = "") -> Voice:
    """Approve or refuse the current handling unit's last request for more time."""
    with transaction.atomic():
        voice = locked(voice)
        require(can_manage(actor, voice), "您无权审批延期")
        expect_status(voice, OPEN_STATUSES, "该呼声已不在办理中")
        request = pending_extension(voice)
        if request is None:
            raise ValidationError({"note": "没有待审批的延期申请"})
        if approve:
            before = voice.resolution_due
            voice.resolution_due = request.due
            voice.save(update_fields=["resolution_due"])
            add_event(voice, Action.EXTENSION_APPROVED, actor, note, due=request.due)
            notify.extension_decided(voice, approved=True)
            audit.record(
                actor,
                "voice.extension",
                voice,
                before={"resolution_due": before},
                after={"resolution_due": request.due},
            )
        else:
            add_event(voice, Action.EXTENSION_REFUSED, actor, note)
            notify.extension_decided(voice, approved=False)
            audit.record(actor, "voice.extension_refused", voice, after={"note": note})
    return voice


ROUND_STARTS = (Action.ASSIGN, Action.TRANSFER, Action.REOPEN, Action.SEND_BACK)
DECISIONS = (Action.EXTENSION_APPROVED, Action.EXTENSION_REFUSED)


def pending_extension(voice: Voice) -> VoiceEvent | None:
    """The undecided request for more time made in the current round (since the voice last
    reached its handling unit); a request of a unit it was transferred away from lapses."""
    last = None
    for event in voice.events.filter(action__in=(*ROUND_STARTS, Action.ASK_EXTENSION, *DECISIONS)):
        last = event if event.action == Action.ASK_EXTENSION else None
    return last


MAX_EXTENSION_DAYS = 90


# Handlers ---------------------------------------------------------------------------------
def respond(actor, voice: Voice) -> Voice:
    """接办: the handling unit takes the voice. Two handlers at once: the first wins."""
    with transaction.atomic():
        voice = locked(voice)
        require(can_handle(actor, voice), "您无权办理该呼声")
        expect_status(voice, Status.ASSIGNED, "该呼声已由他人接办或已不在待响应状态，请刷新后查看")
        voice.status, voice.handler, voice.responded_at = Status.IN_PROGRESS, actor, timezone.now()
        voice.response_hours = hours_taken(voice.assigned_at, voice.responded_at)
        voice.save()
        add_event(voice, Action.RESPOND, actor, org=voice.handling_org)
        audit.record(actor, "voice.respond", voice)
    return voice


def send_back(actor, voice: Voice, *, reason: str) -> Voice:
    """The unit says the matter is not theirs: back to the admins to hand on."""
    require_note(reason, "请填写退回原因")
    with transaction.atomic():
        voice = locked(voice)
        require(can_handle(actor, voice), "您无权办理该呼声")
        expect_status(voice, (Status.ASSIGNED, Status.IN_PROGRESS), "该呼声当前不能退回")
        org = voice.handling_org
        voice.status = Status.SUBMITTED
        voice.handling_org = None
        voice.handler = None
        voice.save()
        add_event(voice, Action.SEND_BACK, actor, reason, org=org)
        audit.record(actor, "voice.send_back", voice, after={"reason": reason})
    return voice


def ask_info(actor, voice: Voice, *, question: str) -> Voice:
    require_note(question, "请填写需要补充的内容")
    with transaction.atomic():
        voice = locked(voice)
        require(can_handle(actor, voice) or can_manage(actor, voice), "您无权办理该呼声")
        expect_status(voice, OPEN_STATUSES, "该呼声已不在办理中")
        add_event(voice, Action.ASK_INFO, actor, question)
        notify.info_asked(voice)
        audit.record(actor, "voice.ask_info", voice)
    return voice


def ask_extension(actor, voice: Voice, *, until: datetime.datetime, reason: str) -> Voice:
    require_note(reason, "请填写延期理由")
    with transaction.atomic():
        voice = locked(voice)
        require(can_handle(actor, voice), "您无权办理该呼声")
        expect_status(voice, Status.IN_PROGRESS, "接办后才能申请延期")
        if voice.resolution_due and until <= voice.resolution_due:
            raise ValidationError({"until": "延期后的时限应晚于现在的办结时限"})
        longest = (voice.resolution_due or timezone.now()) + datetime.timedelta(
            days=MAX_EXTENSION_DAYS
        )
        if until > longest:
            raise ValidationError({"until": f"一次延期不能超过 {MAX_EXTENSION_DAYS} 天"})
        add_event(voice, Action.ASK_EXTENSION, actor, reason, due=until)
        notify.extension_asked(voice)
        audit.record(actor, "voice.ask_extension", voice, after={"until": until})
    return voice


def answer(actor, voice: Voice, *, text: str, solved: bool, files=()) -> Voice:
    """The written answer; the person then rates it."""
    require_note(text, "请填写答复内容", MAX_CONTENT)
    files = store_files(files, anonymous=False) if can_handle(actor, voice) else []
    with transaction.atomic():
        voice = locked(voice)
        require(can_handle(actor, voice), "您无权答复该呼声")
        expect_status(voice, Status.IN_PROGRESS, "接办后才能答复")
        voice.status = Status.ANSWERED
        voice.answer = text.strip()
        voice.solved = solved
        voice.answered_at = timezone.now()
        voice.resolution_hours = hours_taken(voice.assigned_at, voice.answered_at)
        voice.save()
        attach(voice, add_event(voice, Action.ANSWER, actor, text, org=voice.handling_org), files)
        notify.answered(voice)
        audit.record(actor, "voice.answer", voice, after={"solved": solved})
    return voice
