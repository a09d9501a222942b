"""The person's side after submitting: adding information, rating the answer (不满意 sends it
back once), and answers nobody rated closing by themselves."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.core import audit
from dangqun.core.rules import get_rule
from dangqun.voices import notify
from dangqun.voices.attachments import attach, store_files
from dangqun.voices.deadlines import deadline
from dangqun.voices.models import OPEN_STATUSES, Identity, Rating, Status, Voice
from dangqun.voices.services import (
    MAX_CONTENT,
    Action,
    add_event,
    expect_status,
    is_submitter,
    locked,
    require_note,
)


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
