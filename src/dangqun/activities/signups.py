"""Signing up: capacity and a waiting list, approval where the organiser asked for it, and
cancelling, which lets the first in line in and tells them.

Every sign-up locks the activity's row first (``services.locked``), so places are counted by one
writer at a time: a burst of concurrent sign-ups never over-fills (a PostgreSQL thread test holds
50 sign-ups for 10 places to exactly 10 confirmed and 40 waiting).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.activities import notify, organising, services
from dangqun.activities.models import ACTIVE_SIGNUPS, Activity, SignUp, SignUpStatus, Status
from dangqun.core import audit

CLOSED = "报名已截止"
NOT_YET = "报名尚未开始"


def places_left(activity: Activity) -> int | None:
    """Free places now (None: no limit)."""
    if activity.capacity is None:
        return None
    taken = activity.signups.filter(status=SignUpStatus.CONFIRMED).count()
    return max(activity.capacity - taken, 0)


def _place_or_queue(activity: Activity) -> str:
    left = places_left(activity)
    return SignUpStatus.CONFIRMED if left is None or left > 0 else SignUpStatus.WAITING


@transaction.atomic
def sign_up(user, activity: Activity, *, travel_minutes: int = 0) -> SignUp:
    """The user's person signs up: confirmed while places last, then on the waiting list; pending
    where the organiser approves. Signing up again while signed up changes nothing."""
    person = services.person_of(user)
    activity = services.locked(activity)
    if activity.status != Status.PUBLISHED or timezone.now() >= activity.signup_closes_at:
        raise ValidationError(CLOSED)
    if not organising.signup_is_open(activity):
        raise ValidationError(NOT_YET)
    reason = services.why_not_eligible(person, activity)
    if reason:
        raise ValidationError(reason)
    signup = services.signup_of(person, activity)
    if signup is not None and signup.status in ACTIVE_SIGNUPS:
        return signup
    status = SignUpStatus.PENDING if activity.needs_approval else _place_or_queue(activity)
    now = timezone.now()
    if signup is None:
        signup = SignUp(activity=activity, person=person)
    signup.status, signup.queued_at, signup.reason = status, now, ""
    signup.decided_at = None if status == SignUpStatus.PENDING else now
    signup.travel_minutes = max(int(travel_minutes or 0), 0)
    signup.save()
    audit.record(user, "activity.sign_up", activity, after={"status": status})
    notify.tell_person(person.pk, activity, "signed_up", _told(activity, status))
    return signup


def _told(activity: Activity, status: str) -> str:
    return {
        SignUpStatus.CONFIRMED: f"报名成功：{activity.title}",
        SignUpStatus.WAITING: f"已进入候补：{activity.title}，有空位时自动递补并通知您",
        SignUpStatus.PENDING: f"报名已提交，等待组织者审核：{activity.title}",
    }[status]


@transaction.atomic
def cancel(user, activity: Activity, reason: str = "") -> SignUp:
    """The person withdraws before sign-up closes; their place goes to the first in line."""
    person = services.person_of(user)
    activity = services.locked(activity)
    signup = services.signup_of(person, activity)
    if signup is None or signup.status not in ACTIVE_SIGNUPS:
        raise ValidationError("您没有报名该活动")
    if timezone.now() >= activity.signup_closes_at or activity.status not in (
        Status.PUBLISHED,
        Status.CLOSED,
    ):
        raise ValidationError("报名截止后不能自行取消，请联系活动组织者")
    was = signup.status
    signup.status, signup.reason, signup.decided_at = (
        SignUpStatus.CANCELLED,
        (reason or "").strip()[:200],
        timezone.now(),
    )
    signup.save(update_fields=["status", "reason", "decided_at"])
    audit.record(user, "activity.cancel_sign_up", activity, after={"was": was})
    if was == SignUpStatus.CONFIRMED:
        fill_places(activity)
    return signup


def fill_places(activity: Activity) -> list[SignUp]:
    """Let the waiting list in, first come first served, while places are free; each promoted
    person is told. Inside the caller's transaction, the activity locked."""
    left = places_left(activity)
    waiting = activity.signups.filter(status=SignUpStatus.WAITING).order_by("queued_at", "id")
    promoted = list(waiting if left is None else waiting[:left])
    now = timezone.now()
    for signup in promoted:
        signup.status, signup.decided_at = SignUpStatus.CONFIRMED, now
        signup.save(update_fields=["status", "decided_at"])
        audit.record(None, "activity.promote", activity, after={"person": signup.person_id})
        notify.tell_person(
            signup.person_id, activity, "promoted", f"候补成功，您已报名：{activity.title}"
        )
    return promoted


@transaction.atomic
def decide(user, activity: Activity, signup_id: int, approve: bool, reason: str = "") -> SignUp:
    """The organiser approves a pending sign-up (a place, or the waiting list when full) or
    turns it down with a reason."""
    activity = services.locked(activity)
    require(services.can_manage(user, activity), organising.REFUSED)
    signup = activity.signups.filter(pk=signup_id, status=SignUpStatus.PENDING).first()
    if signup is None:
        raise ValidationError({"signup": "该报名不在待审核状态"})
    if not approve and not (reason or "").strip():
        raise ValidationError({"reason": "请填写不通过的原因"})
    signup.status = _place_or_queue(activity) if approve else SignUpStatus.REJECTED
    signup.reason = "" if approve else reason.strip()[:200]
    signup.decided_at = timezone.now()
    signup.save(update_fields=["status", "reason", "decided_at"])
    after = {"person": signup.person_id, "status": signup.status}
    if approve:
        audit.record(user, "activity.approve", activity, after=after)
        title = _told(activity, signup.status)
    else:
        audit.record(user, "activity.reject", activity, after=after)
        title = f"报名未通过：{activity.title}（{signup.reason}）"
    notify.tell_person(signup.person_id, activity, "decided", title)
    return signup
