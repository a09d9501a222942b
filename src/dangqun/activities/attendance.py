"""Check-in and check-out at an activity by the rotating code shown on the organiser's screen
(``core.rotating_codes``, shared with 组织生活), or marked by the organiser. Only people with a
confirmed sign-up check in; the times feed the proposed volunteer hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.activities import organising, services, signups
from dangqun.activities.models import Activity, SignUp, SignUpStatus, Status
from dangqun.core import audit, rotating_codes

OPENS_BEFORE = dt.timedelta(hours=1)  # check-in opens an hour before the start …
CLOSES_AFTER = dt.timedelta(hours=2)  # … and check-out closes two hours after the end
NOT_NOW = "不在签到时间内（活动开始前 1 小时至结束后 2 小时）"


def code_now(activity: Activity, at: dt.datetime | None = None) -> str:
    return rotating_codes.code_for(activity.pk, activity.checkin_secret, at)


def shown_code(user, activity: Activity) -> str:
    """The code to show at the activity now, for its organisers only."""
    require(services.can_manage(user, activity), "只有活动组织者可以显示签到码")
    return code_now(activity)


@dataclass(frozen=True)
class Scanned:
    signup: SignUp
    first: bool  # False when it had been recorded already


def _scan_guard(activity: Activity, code: str, at: dt.datetime) -> None:
    if not rotating_codes.is_valid(activity.pk, activity.checkin_secret, code, at):
        raise ValidationError({"code": rotating_codes.EXPIRED})
    if activity.status not in (Status.PUBLISHED, Status.CLOSED, Status.HELD):
        raise ValidationError({"code": "该活动不在签到时间内"})
    if not activity.starts_at - OPENS_BEFORE <= at <= activity.ends_at + CLOSES_AFTER:
        raise ValidationError({"code": NOT_NOW})


def _confirmed_signup(person, activity: Activity) -> SignUp:
    signup = (
        SignUp.objects.select_for_update()
        .filter(activity=activity, person=person, status=SignUpStatus.CONFIRMED)
        .first()
    )
    if signup is None:
        raise ValidationError({"code": "您没有报名该活动或报名尚未确认，请联系组织者"})
    return signup


@transaction.atomic
def check_in(user, activity: Activity, code: str, at: dt.datetime | None = None) -> Scanned:
    """Scanning the code shown at the activity. Twice (or two taps at once) keeps the first."""
    at = at or timezone.now()
    person = services.person_of(user)
    _scan_guard(activity, code, at)
    signup = _confirmed_signup(person, activity)
    if signup.checked_in_at is not None:
        return Scanned(signup, False)
    signup.checked_in_at, signup.by_code = at, True
    signup.save(update_fields=["checked_in_at", "by_code"])
    audit.record(user, "activity.check_in", activity, after={"person": person.pk})
    return Scanned(signup, True)


@transaction.atomic
def check_out(user, activity: Activity, code: str, at: dt.datetime | None = None) -> Scanned:
    """Scanning again when leaving: the last scan counts (a person who left and came back)."""
    at = at or timezone.now()
    person = services.person_of(user)
    _scan_guard(activity, code, at)
    signup = _confirmed_signup(person, activity)
    if signup.checked_in_at is None:
        raise ValidationError({"code": "请先签到"})
    first = signup.checked_out_at is None
    signup.checked_out_at = at
    signup.save(update_fields=["checked_out_at"])
    audit.record(user, "activity.check_out", activity, after={"person": person.pk})
    return Scanned(signup, first)


@transaction.atomic
def mark(
    user,
    activity: Activity,
    signup_id: int,
    checked_in_at: dt.datetime | None,
    checked_out_at: dt.datetime | None,
    travel_minutes: int | None = None,
) -> SignUp:
    """The organiser records who came and when (someone without a phone, a code that failed)."""
    activity = services.locked(activity)
    organising.require_keeper(user, activity)
    if activity.status not in (Status.PUBLISHED, Status.CLOSED, Status.HELD):
        raise ValidationError("时长确认后不能再修改签到记录，请登记更正")
    signup = activity.signups.filter(pk=signup_id, status=SignUpStatus.CONFIRMED).first()
    if signup is None:
        raise ValidationError({"signup": "只能为报名成功的人登记签到"})
    if checked_in_at and checked_out_at and checked_out_at <= checked_in_at:
        raise ValidationError({"checked_out_at": "签退时间应晚于签到时间"})
    if checked_out_at and not checked_in_at:
        raise ValidationError({"checked_in_at": "请填写签到时间"})
    signup.checked_in_at, signup.checked_out_at, signup.by_code = (
        checked_in_at,
        checked_out_at,
        False,
    )
    if travel_minutes is not None:
        signup.travel_minutes = signups.travel_of(travel_minutes)
    signup.save(update_fields=["checked_in_at", "checked_out_at", "by_code", "travel_minutes"])
    audit.record(
        user,
        "activity.mark",
        activity,
        after={
            "person": signup.person_id,
            "in": str(checked_in_at or ""),
            "out": str(checked_out_at or ""),
        },
    )
    return signup
