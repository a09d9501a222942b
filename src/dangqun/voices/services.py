"""Every change to a voice: one function each, taking the acting user, checking the scope, writing
the change, its ``VoiceEvent`` and its audit row in one transaction.

The person who raised a voice acts through their account or, without one, through the query code
they were given; an anonymous person's acts leave no actor, address or request id anywhere.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangqun.accounts.roles import HANDLE_VOICES, MANAGE_VOICES, VIEW_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit, crypto, filestore
from dangqun.core.workcalendar import working_hours_between
from dangqun.orgs.models import Org, System
from dangqun.voices import notify
from dangqun.voices.deadlines import deadline
from dangqun.voices.models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Identity,
    Kind,
    Rating,
    Status,
    Urgency,
    Voice,
    VoiceEvent,
)

Action = VoiceEvent.Action

MAX_TITLE = 100
MAX_CONTENT = 5000
MAX_NOTE = 2000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand
CODE_LENGTH = 12
SUBMITTER = "反映人"

# Channels a person uses themselves; the others are entered by staff on someone's behalf.
SELF_CHANNELS = (Channel.WEB, Channel.QR, Channel.API)
STAFF_CHANNELS = (Channel.PHONE, Channel.VISIT, Channel.BOX, Channel.FORUM, Channel.EMAIL)


# Who sees what ------------------------------------------------------------------------------
def visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Voices the user may open: their work (``in_scope``) or their own (not anonymous ones:
    nothing links those to anybody)."""
    queryset = Voice.objects.all() if queryset is None else queryset
    query = _scope_q(user)
    if getattr(user, "is_authenticated", False):
        query |= Q(user=user)
    return queryset.filter(query)


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


def can_manage(user, voice: Voice) -> bool:
    scope = Scope.of(user)
    return any(scope.can(MANAGE_VOICES, org) for org in (voice.unit, voice.handling_org) if org)


def can_handle(user, voice: Voice) -> bool:
    return voice.handling_org is not None and Scope.of(user).can(HANDLE_VOICES, voice.handling_org)


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


# Submitting -------------------------------------------------------------------------------
@dataclass
class Submitted:
    voice: Voice
    code: str  # shown once; only its keyed hash is stored


def check_text(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    title = (data.get("title") or "").strip()
    content = (data.get("content") or "").strip()
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"标题不能超过 {MAX_TITLE} 个字（现有 {len(title)} 个字）"
    if not content:
        errors["content"] = "请填写反映的内容"
    elif len(content) > MAX_CONTENT:
        errors["content"] = (
            f"内容不能超过 {MAX_CONTENT} 个字（现有 {len(content)} 个字），可分几条反映"
        )
    return errors


def submit(
    actor,
    data: dict,
    *,
    unit: Org,
    channel: str = Channel.WEB,
    identity: str = Identity.NAMED,
    files=(),
) -> Submitted:
    """A new voice. ``actor`` is the person's account (web, API), staff entering it on someone's
    behalf (phone, visit, box…), or None (the QR page without login)."""
    errors = check_text(data)
    if unit is None or unit.system != System.ENTERPRISE:
        errors["unit"] = "请选择反映单位"
    kind = data.get("kind") or Kind.SUGGESTION
    if kind not in Kind.values or kind == Kind.PROPOSAL:
        errors["kind"] = "请选择反映类型"  # 职代会提案 have their own form (seconders)
    if identity not in Identity.values:
        errors["identity"] = "请选择身份方式"
    if channel not in Channel.values:
        errors["channel"] = "渠道不正确"
    category = data.get("category")
    if category is not None and not category.active:
        errors["category"] = "该类别已停用"
    if errors:
        raise ValidationError(errors)
    logged_in = getattr(actor, "is_authenticated", False)
    on_behalf = channel in STAFF_CHANNELS
    if on_behalf:
        require(
            logged_in and Scope.of(actor).can(MANAGE_VOICES, unit), "您无权代为登记该单位的呼声"
        )
    anonymous = identity == Identity.ANONYMOUS
    voice = Voice(
        kind=kind,
        channel=channel,
        identity=identity,
        title=data["title"].strip(),
        content=data["content"].strip(),
        category=category,
        urgency=category.urgency if category else Urgency.NORMAL,
        unit=unit,
    )
    if not anonymous:
        if logged_in and not on_behalf:
            voice.user = actor
            voice.person = actor.person
        voice.contact_name = (data.get("contact_name") or "").strip()[:50]
        voice.contact_phone = (data.get("contact_phone") or "").strip()[:30]
        if voice.person is None and not voice.contact_name:
            raise ValidationError({"contact_name": "实名或保密反映请留下姓名，或选择匿名"})
    code = new_query_code()
    voice.query_code_hash = code_hash(code)
    files = store_files(files, anonymous=anonymous)
    with transaction.atomic():
        voice.save()
        # The person's own act, or staff recording it: a staff actor is named, the person is not.
        by_person = not on_behalf
        event = add_event(
            voice, Action.SUBMIT, None if by_person else actor, channel_label(channel)
        )
        attach(voice, event, files)
        audit.record(
            actor if not anonymous else None,
            "voice.submit",
            voice,
            after={"kind": kind, "channel": channel, "identity": identity, "unit": unit.name},
            traceable=not anonymous,
        )
    return Submitted(voice, code)


def channel_label(channel: str) -> str:
    return f"经{Channel(channel).label}反映"


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


# The person -------------------------------------------------------------------------------
def is_submitter(actor, voice: Voice) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and voice.user_id == actor.pk)


def add_info(actor, voice: Voice, *, text: str, by_code: bool = False, files=()) -> Voice:
    """The person adds to what they said (with their account, or their query code)."""
    require(by_code or is_submitter(actor, voice), "只有反映人可以补充信息")
    require_note(text, "请填写补充内容", MAX_CONTENT)
    anonymous = voice.identity == Identity.ANONYMOUS
    files = store_files(files, anonymous=anonymous)
    with transaction.atomic():
        voice = locked(voice)
        expect_status(
            voice, (*OPEN_STATUSES, Status.ANSWERED), "该呼声已办结，如有新情况请另行反映"
        )
        attach(voice, add_event(voice, Action.ADD_INFO, None, text), files)
        audit.record(None if anonymous else actor, "voice.add_info", voice, traceable=not anonymous)
    return voice


def rate(actor, voice: Voice, *, rating: str, comment: str = "", by_code: bool = False) -> Voice:
    """满意 or 基本满意 closes the voice; 不满意 sends it back once, to be handled again (回访)."""
    require(by_code or is_submitter(actor, voice), "只有反映人可以评价")
    if rating not in Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意"})
    if len(comment) > 500:
        raise ValidationError({"comment": "评价意见不能超过 500 个字"})
    anonymous = voice.identity == Identity.ANONYMOUS
    now = timezone.now()
    with transaction.atomic():
        voice = locked(voice)
        expect_status(voice, Status.ANSWERED, "该呼声已评价或尚未答复，不能评价")
        voice.rating, voice.rating_comment, voice.rated_at = rating, comment.strip(), now
        reopen = rating == Rating.UNSATISFIED and not voice.reopened
        if reopen:
            voice.status = Status.ASSIGNED
            voice.reopened = True
            voice.handler = None
            voice.response_due = deadline(now, voice.urgency, "response")
            voice.resolution_due = deadline(now, voice.urgency, "resolution")
        else:
            voice.status = Status.CLOSED
            voice.closed_at = now
        voice.save()
        add_event(voice, Action.RATE, None, f"{Rating(rating).label}。{comment}".rstrip("。"))
        notify.rated(voice)
        if reopen:
            add_event(voice, Action.REOPEN, None, "反映人不满意，重新办理", org=voice.handling_org)
            notify.assigned(voice, again="反映人不满意，重新办理")
        audit.record(
            None if anonymous else actor,
            "voice.rate",
            voice,
            after={"rating": rating, "reopened": reopen},
            traceable=not anonymous,
        )
    return voice


def close_unrated(now: datetime.datetime | None = None) -> int:
    """Answered voices nobody rated within the configured days close without a rating."""
    from dangqun.core.rules import get_rule

    now = now or timezone.now()
    days = get_rule("voices.auto_close")["days"]
    stale = Voice.objects.filter(
        status=Status.ANSWERED, answered_at__lt=now - datetime.timedelta(days=days)
    )
    closed = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            voice = locked(Voice(pk=pk))
            if voice.status != Status.ANSWERED:  # rated meanwhile
                continue
            voice.status, voice.closed_at = Status.CLOSED, now
            voice.save(update_fields=["status", "closed_at"])
            add_event(voice, Action.CLOSE, None, f"答复后 {days} 天未评价，自动办结")
            audit.record(None, "voice.auto_close", voice, after={"days": days}, traceable=False)
            closed += 1
    return closed


# Helpers ----------------------------------------------------------------------------------
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


def store_files(files, *, anonymous: bool) -> list[filestore.StoredFile]:
    """Strip and write a voice's files (``filestore.store``). An anonymous voice refuses files whose
    metadata cannot be removed (PDF, old Office formats), and its files get neutral names, since
    a name such as 张三的投诉.pdf says who wrote it."""
    from dangqun.core import uploads

    if anonymous:
        kept = [f.safe_name for f in files if not uploads.can_strip(f)]
        if kept:
            raise ValidationError(
                {
                    "files": f"匿名反映不能附 PDF 或旧版 Office 文件（{'、'.join(kept)}）："
                    "其中的作者等信息无法去除。请改传图片或 .docx/.xlsx/.pptx 文件"
                }
            )
    return filestore.store(files, "voices", neutral_names=anonymous)


def attach(voice: Voice, event: VoiceEvent, files: list[filestore.StoredFile]) -> list:
    """The rows of files already stored (``store_files``), with a step of the voice."""
    from dangqun.voices.models import Attachment

    return Attachment.objects.bulk_create(
        Attachment(voice=voice, event=event, **f.fields) for f in files
    )


def sweep_orphan_files(older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete stored files no attachment row names (left by a transaction that failed)."""
    from dangqun.voices.models import Attachment

    known = set(Attachment.objects.values_list("file", flat=True))
    return filestore.sweep_orphans("voices", known, older_than)


def require_visible(user, pk: int) -> Voice:
    """The voice if the user may open it; a representative asked to second a proposal may too."""
    from django.http import Http404

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


# Smart help ------------------------------------------------------------------------------
DUPLICATE_DAYS = 30
SUGGEST_CONFIDENCE = 0.5  # below this a suggested category is not pre-filled


def duplicate_candidates(user, voice: Voice, limit: int = 5) -> list:
    """Voices that may say the same, from the same unit or handling unit, within 30 days either
    side of this one, that the user may see: for 合并重复 (``smart`` is imported on first use)."""
    from dangqun.voices import smart

    window = datetime.timedelta(days=DUPLICATE_DAYS)
    nearby = Q(unit=voice.unit_id)
    if voice.handling_org_id:
        nearby |= Q(handling_org=voice.handling_org_id)
    queryset = (
        visible_to(user)
        .filter(nearby)
        .exclude(pk=voice.pk)
        .exclude(status__in=(Status.MERGED, Status.RETURNED, Status.SECONDING))
    )
    end = min(timezone.now(), voice.submitted_at + window)
    days = (end - (voice.submitted_at - window)).days
    text = smart.voice_text(voice.title, voice.content)
    return smart.near_duplicates(text, queryset=queryset, now=end, days=days, limit=limit)


def suggest_category(title: str, content: str):
    """The category the model learned from this organisation's handled voices, or None."""
    from dangqun.voices import smart

    return smart.suggest_category(smart.voice_text(title, content))


# Categories -------------------------------------------------------------------------------
def save_category(actor, category: Category | None, data: dict) -> Category:
    """Create or change a category and the unit that handles it by default."""
    scope = Scope.of(actor)
    require(scope.has(MANAGE_VOICES), "您无权维护呼声类别")
    if category is not None:  # another unit's category stays theirs
        require(
            category.handling_org is not None and scope.can(MANAGE_VOICES, category.handling_org),
            "您无权修改该类别",
        )
    handling_org = data.get("handling_org")
    if handling_org is None:
        raise ValidationError({"handling_org": "请选择默认承办单位"})
    require(scope.can(MANAGE_VOICES, handling_org), "您无权指定该承办单位")
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "请填写类别名称"})
    parent = data.get("parent")
    if category is not None and parent is not None and parent.pk == category.pk:
        raise ValidationError({"parent": "上级类别不能是它自己"})
    if parent is not None and parent.parent_id is not None:
        raise ValidationError({"parent": "类别最多两级"})
    duplicate = Category.objects.filter(parent=parent, name=name)
    if category is not None:
        duplicate = duplicate.exclude(pk=category.pk)
    if duplicate.exists():
        raise ValidationError({"name": "同一上级下已有同名类别"})
    fields = ["name", "parent_id", "handling_org_id", "urgency", "active"]
    before = audit.snapshot(category, fields) if category else None
    category = category or Category()
    category.name, category.parent, category.handling_org = name, parent, handling_org
    category.urgency = data.get("urgency") or Urgency.NORMAL
    category.active = data.get("active", True)
    with transaction.atomic():
        category.save()
        audit.record(
            actor, "voice.category", category, before=before, after=audit.snapshot(category, fields)
        )
    return category


# 公开答复 and 我也关注 ---------------------------------------------------------------------
def publish(actor, voice: Voice, *, title: str, content: str, answer_text: str) -> Voice:
    """Publish an answered voice for all employees, in the words an admin checked for personal
    details (names, phone numbers, ID numbers are theirs to remove)."""
    require_note(title, "请填写公开的标题", MAX_TITLE)
    require_note(content, "请填写公开的反映内容", MAX_CONTENT)
    require_note(answer_text, "请填写公开的答复", MAX_CONTENT)
    with transaction.atomic():
        voice = locked(voice)
        require(can_manage(actor, voice), "您无权公开该呼声")
        expect_status(voice, (Status.ANSWERED, Status.CLOSED), "答复后才能公开")
        voice.public, voice.published_at = True, timezone.now()
        voice.public_title = title.strip()
        voice.public_content, voice.public_answer = content.strip(), answer_text.strip()
        voice.save()
        audit.record(actor, "voice.publish", voice)
    return voice


def unpublish(actor, voice: Voice) -> Voice:
    with transaction.atomic():
        voice = locked(voice)
        require(can_manage(actor, voice), "您无权撤回该公开答复")
        voice.public = False
        voice.save(update_fields=["public"])
        audit.record(actor, "voice.unpublish", voice)
    return voice


def published(queryset: QuerySet | None = None) -> QuerySet:
    """What every employee may read: published voices, without who raised them."""
    queryset = Voice.objects.all() if queryset is None else queryset
    return queryset.filter(public=True).order_by("-published_at", "-id")


def follow(actor, voice: Voice) -> bool:
    """我也关注, once per employee; False when they already follow it."""
    from django.db import IntegrityError

    from dangqun.voices.models import Follow

    require(getattr(actor, "is_authenticated", False), "请先登录")
    if not Voice.objects.filter(pk=voice.pk, public=True).exists():
        raise ValidationError({"voice": "该呼声未公开"})
    try:
        with transaction.atomic():
            Follow.objects.create(voice=voice, user=actor)
    except IntegrityError:
        return False
    return True
