"""Check-in by code: the code shown at the meeting changes every ``CODE_WINDOW`` seconds; a
person who scans it checks in (as 列席 when not on the list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.core import audit, rotating_codes
from dangqun.life import attendance, planning, services
from dangqun.life.models import (
    Attendee,
    Meeting,
    Presence,
    Status,
)

CODE_WINDOW = rotating_codes.WINDOW
CODE_EXPIRED = "签到码已过期，请扫描会场当前显示的二维码"


def checkin_code(meeting: Meeting, at: dt.datetime | None = None) -> str:
    """The code shown at the meeting now (``core.rotating_codes``)."""
    return rotating_codes.code_for(meeting.pk, meeting.checkin_secret, at)


code_changes_at = rotating_codes.changes_at


def shown_code(user, pk: int) -> tuple[Meeting, str]:
    """The meeting and the code to show at it now, for its keepers only."""
    meeting = services.require_visible(user, pk)
    require(services.can_manage(user, meeting.org), "只有组织生活的管理人可以显示签到码")
    return meeting, checkin_code(meeting)


def valid_code(meeting: Meeting, code: str, at: dt.datetime | None = None) -> bool:
    """The code on screen now, or the one just before it."""
    return rotating_codes.is_valid(meeting.pk, meeting.checkin_secret, code, at)


def meeting_for_code(pk: int, code: str) -> Meeting:
    """The meeting whose current check-in code this is. Without it nothing of the meeting shows,
    not even whether it exists."""
    meeting = Meeting.objects.select_related("org").filter(pk=pk).first()
    if meeting is None or not valid_code(meeting, code):
        raise PermissionDenied(CODE_EXPIRED)
    return meeting


@dataclass(frozen=True)
class CheckIn:
    attendee: Attendee
    first: bool  # False when the person had already checked in


def check_in(user, meeting: Meeting, code: str, at: dt.datetime | None = None) -> CheckIn:
    """A member checks in with the code scanned at the meeting. Checking in twice (or two taps at
    the same moment) leaves one record: the first time counts."""
    at = at or timezone.now()
    person = getattr(user, "person", None)
    if person is None:
        raise ValidationError({"code": "账号未关联人员档案，无法签到"})
    if not valid_code(meeting, code, at):
        raise ValidationError({"code": CODE_EXPIRED})
    if meeting.status not in (Status.PLANNED, Status.HELD):
        raise ValidationError({"code": "本次组织生活不在签到时间内"})
    opens = meeting.starts_at - dt.timedelta(hours=1)
    closes = (meeting.ends_at or meeting.starts_at + planning.DEFAULT_LENGTH) + dt.timedelta(
        hours=1
    )
    if not opens <= at <= closes:
        raise ValidationError({"code": "不在签到时间内（开始前 1 小时至结束后 1 小时）"})
    with transaction.atomic():
        attendee = attendance.attendee_of(meeting, person)
        first = (
            Attendee.objects.filter(pk=attendee.pk)
            .exclude(presence=Presence.PRESENT)
            .update(presence=Presence.PRESENT, checked_in_at=at, by_code=True, leave_reason="")
        )
        if first:
            audit.record(user, "life.check_in", meeting, after={"person": person.pk})
    attendee.refresh_from_db()
    return CheckIn(attendee, bool(first))
