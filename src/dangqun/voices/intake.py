"""Submitting a voice: the text checks, who may enter one on someone's behalf, the query code
given once, and its files."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.orgs.models import Org, System
from dangqun.voices import tasks
from dangqun.voices.attachments import attach, store_files
from dangqun.voices.models import Channel, Identity, Kind, Urgency, Voice
from dangqun.voices.services import (
    MAX_BODY,
    MAX_TITLE,
    Action,
    add_event,
    code_hash,
    new_query_code,
)

# Channels a person uses themselves; the others are entered by staff on someone's behalf.
SELF_CHANNELS = (Channel.WEB, Channel.QR, Channel.API)
STAFF_CHANNELS = (Channel.PHONE, Channel.VISIT, Channel.BOX, Channel.FORUM, Channel.EMAIL)


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
    elif len(content) > MAX_BODY:
        errors["content"] = (
            f"内容不能超过 {MAX_BODY} 个字（现有 {len(content)} 个字），可分几条反映"
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
        after_commit(voice)
    return Submitted(voice, code)


def after_commit(voice: Voice) -> None:
    """Ask, once the voice is committed, for what its author need not wait for: indexing new
    voices for near duplicates (``tasks.index_soon``: one task every few seconds indexes every
    voice submitted meanwhile). Every path that creates a voice one at a time calls this; bulk
    writers call ``duplicates.index_voices`` with their ids."""
    transaction.on_commit(tasks.index_soon)


def channel_label(channel: str) -> str:
    return f"经{Channel(channel).label}反映"
