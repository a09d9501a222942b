"""Volunteer hours (rule ``activities.hours``): actual service time, from check-in (not before the
start) to check-out (the end when nobody scanned out), capped by the activity's slot, minus the
declared travel; proposed by the system, confirmed by the organiser for everyone in one go.
Confirmed hours are ``HoursEntry`` rows, never edited: a correction is another row with its
reason. Stars follow the cumulative confirmed hours (rule ``activities.stars``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from dangqun.activities import certificates, notify, orders, organising, services
from dangqun.activities.models import Activity, HoursEntry, SignUp, SignUpStatus, Status
from dangqun.core import audit
from dangqun.core.rules import get_rule

TENTH = Decimal("0.1")
ZERO = Decimal("0")


def served(
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    slot: Decimal,
    checked_in_at: dt.datetime | None,
    checked_out_at: dt.datetime | None,
    travel_minutes: int = 0,
) -> Decimal:
    """The hours to propose: check-in (not before the start) to check-out (else the end), capped
    by the slot, minus travel, never below zero, to a tenth of an hour."""
    if checked_in_at is None:
        return ZERO
    begin = max(checked_in_at, starts_at)
    end = checked_out_at or ends_at
    seconds = max((end - begin).total_seconds(), 0) - max(travel_minutes, 0) * 60
    hours = Decimal(max(seconds, 0)) / 3600
    return min(hours, slot).quantize(TENTH, rounding=ROUND_HALF_UP)


def as_hours(value) -> Decimal:
    """A number of hours to a tenth; anything else is refused in Chinese."""
    try:
        hours = Decimal(str(value))
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError({"hours": "时长应为数字，如 2.5"}) from exc
    if not hours.is_finite():
        raise ValidationError({"hours": "时长应为数字，如 2.5"})
    return hours.quantize(TENTH, rounding=ROUND_HALF_UP)


def proposed(activity: Activity, signup: SignUp) -> Decimal:
    return served(
        activity.starts_at,
        activity.ends_at,
        activity.slot_hours,
        signup.checked_in_at,
        signup.checked_out_at,
        signup.travel_minutes,
    )


@dataclass(frozen=True)
class Line:
    """One participant on the confirmation screen."""

    signup: SignUp
    proposed: Decimal


def confirmation_lines(activity: Activity) -> list[Line]:
    signups = activity.signups.filter(status=SignUpStatus.CONFIRMED).select_related("person")
    return [Line(signup, proposed(activity, signup)) for signup in signups.order_by("person__name")]


@transaction.atomic
def confirm(user, activity: Activity, hours_by_signup: dict[int, Decimal]) -> list[HoursEntry]:
    """The organiser confirms the hours of everyone who served, in one go (the proposal for
    whoever is not given), and the activity becomes 时长已确认. Refused as a whole when one line
    is wrong: nothing is written."""
    activity = services.locked(activity)
    organising.require_keeper(user, activity)
    if not activity.kind.volunteer:
        raise ValidationError("该类型的活动不计志愿服务时长")
    services.expect_status(activity, Status.HELD, message="活动标记为已举行后才能确认时长")
    slot = activity.slot_hours
    lines = {line.signup.pk: line for line in confirmation_lines(activity)}
    unknown = set(hours_by_signup) - set(lines)
    if unknown:
        raise ValidationError({"hours": "有的人不在本活动的报名名单中"})
    errors, entries = [], []
    served_on = timezone.localtime(activity.starts_at).date()
    for pk, line in lines.items():
        hours = as_hours(hours_by_signup.get(pk, line.proposed))
        name = line.signup.person.name
        if hours < 0:
            errors.append(f"{name}：时长不能为负数")
        elif hours > slot:
            errors.append(f"{name}：时长不能超过本次活动可认定的 {slot} 小时")
        elif hours > 0:
            entries.append(
                HoursEntry(
                    person_id=line.signup.person_id,
                    activity=activity,
                    signup=line.signup,
                    hours=hours,
                    served_on=served_on,
                    entered_by=user if getattr(user, "is_authenticated", False) else None,
                )
            )
    if errors:
        raise ValidationError({"hours": errors})
    HoursEntry.objects.bulk_create(entries)
    activity.status, activity.confirmed_at = Status.CONFIRMED, timezone.now()
    activity.save(update_fields=["status", "confirmed_at"])
    audit.record(
        user,
        "activity.confirm_hours",
        activity,
        after={"people": len(entries), "hours": str(sum((e.hours for e in entries), ZERO))},
    )
    for entry in entries:
        notify.tell_person(
            entry.person_id,
            activity,
            "hours",
            f"志愿服务时长已确认：{activity.title} {entry.hours} 小时",
        )
    orders.after_hours_confirmed(activity, by=user)  # 群众点单: the voice is answered
    return entries


@transaction.atomic
def correct(user, activity: Activity, signup_id: int, hours: Decimal, reason: str) -> HoursEntry:
    """Set a participant's confirmed hours for the activity to ``hours``: a new row holding the
    difference, with the reason and the row it corrects."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正原因"})
    activity = services.locked(activity)
    organising.require_keeper(user, activity)
    services.expect_status(
        activity, Status.CONFIRMED, Status.ARCHIVED, message="时长确认后才能更正"
    )
    signup = (
        activity.signups.filter(pk=signup_id, status=SignUpStatus.CONFIRMED)
        .select_related("person")
        .first()
    )
    if signup is None:
        raise ValidationError({"signup": "该人不在本活动的报名名单中"})
    hours = as_hours(hours)
    if hours < 0 or hours > activity.slot_hours:
        raise ValidationError(
            {"hours": f"时长应在 0 至 {activity.slot_hours} 小时之间（本次活动可认定的时长）"}
        )
    rows = HoursEntry.objects.filter(activity=activity, signup=signup)
    now_total = rows.aggregate(total=Sum("hours"))["total"] or ZERO
    if hours == now_total:
        raise ValidationError({"hours": "与已确认的时长相同，无需更正"})
    entry = HoursEntry.objects.create(
        person_id=signup.person_id,
        activity=activity,
        signup=signup,
        hours=hours - now_total,
        served_on=timezone.localtime(activity.starts_at).date(),
        reason=reason[:200],
        corrects=rows.order_by("-id").first(),
        entered_by=user,
    )
    audit.record(
        user,
        "activity.correct_hours",
        activity,
        before={"person": signup.person_id, "hours": str(now_total)},
        after={"hours": str(hours), "reason": reason},
    )
    notify.tell_person(
        signup.person_id, activity, "hours", f"志愿服务时长已更正：{activity.title} {hours} 小时"
    )
    if entry.hours < 0:  # a certificate must never state more than the record
        certificates.after_correction(user, signup.person_id, entry.served_on, activity)
    return entry


# A person's record ----------------------------------------------------------------------------
def total_of(person_id: int, until: dt.date | None = None) -> Decimal:
    rows = HoursEntry.objects.filter(person_id=person_id)
    if until is not None:
        rows = rows.filter(served_on__lte=until)
    return rows.aggregate(total=Sum("hours"))["total"] or ZERO


def star_thresholds() -> list[int]:
    rule = get_rule("activities.stars")
    return [rule[f"star{n}"] for n in range(1, 6)]


def stars_for(hours: Decimal) -> int:
    """0–5 stars for cumulative confirmed hours (rule ``activities.stars``)."""
    return sum(1 for threshold in star_thresholds() if hours >= threshold)


def to_next_star(hours: Decimal) -> Decimal | None:
    """Hours still needed for the next star (None at five stars)."""
    for threshold in star_thresholds():
        if hours < threshold:
            return Decimal(threshold) - hours
    return None
