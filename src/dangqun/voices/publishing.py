"""公开答复 and 我也关注: answered voices published for all employees, in words an admin checked,
and employees following them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.core import audit
from dangqun.voices.models import Follow, Status, Voice
from dangqun.voices.services import (
    MAX_BODY,
    MAX_CONTENT,
    MAX_TITLE,
    can_manage,
    expect_status,
    locked,
    require_note,
)


def publish(actor, voice: Voice, *, title: str, content: str, answer_text: str) -> Voice:
    """Publish an answered voice for all employees, in the words an admin checked for personal
    details (names, phone numbers, ID numbers are theirs to remove)."""
    require_note(title, "请填写公开的标题", MAX_TITLE)
    require_note(content, "请填写公开的反映内容", MAX_BODY)
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


def published() -> QuerySet:
    """What every employee may read: published voices, without who raised them."""
    return Voice.objects.filter(public=True).order_by("-published_at", "-id")


def follow(actor, voice: Voice) -> bool:
    """我也关注, once per employee; False when they already follow it."""
    require(getattr(actor, "is_authenticated", False), "请先登录")
    if not Voice.objects.filter(pk=voice.pk, public=True).exists():
        raise ValidationError({"voice": "该呼声未公开"})
    try:
        with transaction.atomic():
            Follow.objects.create(voice=voice, user=actor)
    except IntegrityError:
        return False
    return True
