"""Running an activity: create (or copy) a draft, edit, publish, close sign-up, mark it held,
cancel with a reason that reaches everyone signed up, archive. Lifecycle:
草稿 → 报名中 → 报名已截止 → 已举行 → 时长已确认 → 已归档, or 已取消 from any state before it was held.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.activities import notify, services
from dangqun.activities.models import ACTIVE_SIGNUPS, Activity, SignUp, SignUpStatus, Status
from dangqun.core import audit, rotating_codes

REFUSED = "您无权组织该组织的活动"
FIELDS = (
    "kind",
    "title",
    "org",
    "team",
    "starts_at",
    "ends_at",
    "place",
    "latitude",
    "longitude",
    "description",
    "capacity",
    "signup_opens_at",
    "signup_closes_at",
    "open_to",
    "needs_approval",
    "service_type",
    "credit_hours",
)
MANY = ("co_organisers", "eligible_orgs")
EDITABLE = (Status.DRAFT, Status.PUBLISHED, Status.CLOSED)  # before it is held


def check(data: dict) -> dict[str, str]:
    """The activity's own rules: times in order, a positive capacity, hours within the slot."""
    errors: dict[str, str] = {}
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = "结束时间应晚于开始时间"
    capacity = data.get("capacity")
    if capacity is not None and capacity < 1:
        errors["capacity"] = "人数上限应为正整数；不限人数请留空"
    closes, opens = data.get("signup_closes_at"), data.get("signup_opens_at")
    if closes and starts and closes > starts:
        errors["signup_closes_at"] = "报名截止时间不能晚于活动开始时间"
    if opens and closes and opens >= closes:
        errors["signup_opens_at"] = "报名开始时间应早于报名截止时间"
    credit = data.get("credit_hours")
    if credit is not None:
        length = Decimal((ends - starts).total_seconds()) / 3600 if starts and ends else None
        if credit <= 0:
            errors["credit_hours"] = "可认定时长应大于 0"
        elif length is not None and credit > length:
            errors["credit_hours"] = f"可认定时长不能超过活动时长（{length:.1f} 小时）"
    kind = data.get("kind")
    if kind is not None and not kind.active:
        errors["kind"] = "该活动类型已停用"
    if data.get("service_type") and kind is not None and not kind.volunteer:
        errors["service_type"] = "只有志愿服务类活动填写服务类别"
    return errors


def _require_organiser(user, data: dict) -> None:
    org = data.get("org")
    require(org is not None and services.can_organise_for(user, org), REFUSED)
    _check_partners(user, data)


def _check_partners(user, data: dict) -> None:
    """联办 organisations and the team. A partner may be any active organisation, of any tree or
    unit (联建: a 党支部 with a 工会, another company's 团支部…); naming it lets its organisers
    keep the activity too, which is what 联办 means (decision 0030). The team must be one the
    user organises for."""
    for other in data.get("co_organisers") or ():
        if other == data.get("org"):
            raise ValidationError({"co_organisers": "联办组织不能与主办组织相同"})
        if not other.is_active:
            raise ValidationError({"co_organisers": f"“{other.name}”已撤销，不能联办活动"})
    team = data.get("team")
    if team is not None and not services.can_organise_for(user, team.org):
        raise ValidationError({"team": "只能选择您所管理组织的志愿服务队"})


def _names(orgs) -> str:
    return "、".join(sorted(org.name for org in orgs))


def _tell_partners(user, activity: Activity, added) -> None:
    """The organisers of each newly named partner hear that it co-runs the activity (once)."""
    for org in added:
        notify.tell_keepers(
            org,
            user,
            activity,
            "partner",
            f"“{activity.org.name}”将“{org.name}”列为活动“{activity.title}”的联办组织",
            key=f"activity.partner:{activity.pk}:{org.pk}",
        )


def _defaults(data: dict) -> dict:
    data = dict(data)
    if not data.get("signup_closes_at") and data.get("starts_at"):
        data["signup_closes_at"] = data["starts_at"]
    return data


@transaction.atomic
def create(user, data: dict) -> Activity:
    """A new activity, as a draft of the organiser's organisation."""
    data = _defaults(data)
    errors = check(data)
    if errors:
        raise ValidationError(errors)
    _require_organiser(user, data)
    activity = Activity(
        **{name: data.get(name) for name in FIELDS if name in data},
        checkin_secret=rotating_codes.new_secret(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
        copied_from=data.get("copied_from"),
    )
    if activity.open_to is None:
        activity.open_to = Activity._meta.get_field("open_to").default
    activity.needs_approval = bool(data.get("needs_approval"))
    activity.save()
    for name in MANY:
        if data.get(name):
            getattr(activity, name).set(data[name])
    after = {"org": activity.org.name}
    if data.get("co_organisers"):
        after["co_organisers"] = _names(data["co_organisers"])
        _tell_partners(user, activity, data["co_organisers"])
    audit.record(user, "activity.create", activity, after=after)
    return activity


def copy_fields(activity: Activity) -> dict:
    """What a new activity copied from ``activity`` starts with (the form's initial values):
    everything but the times, which the organiser sets again."""
    fields = {name: getattr(activity, name) for name in FIELDS if not name.endswith("_at")}
    fields.update({name: list(getattr(activity, name).all()) for name in MANY})
    fields["copied_from"] = activity
    return fields


@transaction.atomic
def update(user, activity: Activity, data: dict) -> Activity:
    activity = services.locked(activity)
    require(services.can_manage(user, activity), REFUSED)
    services.expect_status(activity, *EDITABLE, message="活动已举行，不能再修改")
    merged = {name: getattr(activity, name) for name in FIELDS}
    merged.update({k: v for k, v in data.items() if k in FIELDS or k in MANY})
    merged = _defaults(merged)
    errors = check(merged)
    if errors:
        raise ValidationError(errors)
    partners = set(activity.co_organisers.all())
    new_partners = "co_organisers" in data and set(data["co_organisers"] or []) != partners
    if merged["org"] != activity.org or new_partners:
        # who runs it: only the main organiser's keepers (a co-organiser cannot take it over);
        # a form that sends them unchanged is no change
        require(
            services.can_organise_for(user, activity.org),
            "只有主办组织的组织者可以更改主办或联办组织",
        )
    if merged["org"] != activity.org:
        _require_organiser(user, merged)
    elif new_partners or merged["team"] != activity.team:
        added = set(data.get("co_organisers") or []) - partners
        _check_partners(user, {**merged, "co_organisers": list(added)})
    capacity = merged.get("capacity")
    if capacity is not None and activity.status != Status.DRAFT:
        taken = activity.signups.filter(status=SignUpStatus.CONFIRMED).count()
        if capacity < taken:
            raise ValidationError({"capacity": f"已有 {taken} 人报名成功，人数上限不能少于此数"})
    before = {name: str(getattr(activity, name)) for name in FIELDS}
    for name in FIELDS:
        setattr(activity, name, merged[name])
    activity.save()
    for name in MANY:
        if name in data:
            getattr(activity, name).set(data[name] or [])
    after = {name: str(getattr(activity, name)) for name in FIELDS}
    changed = {k for k in after if after[k] != before[k]}
    if new_partners:  # who may keep it changed: the audit row names the partners
        now = set(data["co_organisers"] or [])
        before["co_organisers"], after["co_organisers"] = _names(partners), _names(now)
        changed.add("co_organisers")
        _tell_partners(user, activity, sorted(now - partners, key=lambda org: org.path))
    audit.record(
        user,
        "activity.update",
        activity,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    if activity.status != Status.DRAFT and capacity is not None:
        # a larger capacity lets the waiting list in (signups imports organising's guards)
        from dangqun.activities import signups

        signups.fill_places(activity)
    return activity


def partners_kept_by(user, activity: Activity) -> list:
    """The co-organisers of the activity the user organises for, when the user does not also
    organise the main organisation (a partner's own keepers may take their name back)."""
    if services.can_organise_for(user, activity.org):
        return []
    return [org for org in activity.co_organisers.all() if services.can_organise_for(user, org)]


@transaction.atomic
def leave_partnership(user, activity: Activity, reason: str = "") -> Activity:
    """退出联办: a partner's keeper takes their organisations off the activity (they were named
    without being asked); the main organiser's keepers are told. Audited."""
    activity = services.locked(activity)
    leaving = partners_kept_by(user, activity)
    require(leaving, "只有联办组织的组织者可以退出联办")
    activity.co_organisers.remove(*leaving)
    names = _names(set(leaving))
    audit.record(
        user,
        "activity.partner_leave",
        activity,
        before={"co_organisers": names},
        after={"reason": (reason or "").strip()[:200]},
    )
    notify.tell_keepers(
        activity.org,
        user,
        activity,
        "partner_left",
        f"{'、'.join(names)}已退出联办：{activity.title}",
    )
    return activity


@transaction.atomic
def publish(user, activity: Activity) -> Activity:
    activity = services.locked(activity)
    require(services.can_manage(user, activity), REFUSED)
    services.expect_status(activity, Status.DRAFT, message="只有草稿可以发布")
    if activity.signup_closes_at <= timezone.now():
        raise ValidationError({"signup_closes_at": "报名截止时间已过，请先修改时间再发布"})
    activity.status = Status.PUBLISHED
    activity.published_at = timezone.now()
    activity.save(update_fields=["status", "published_at"])
    audit.record(user, "activity.publish", activity)
    return activity


@transaction.atomic
def close_signup(user, activity: Activity) -> Activity:
    """Stop sign-ups now (they also stop by themselves at ``signup_closes_at``)."""
    activity = services.locked(activity)
    require(services.can_manage(user, activity), REFUSED)
    services.expect_status(activity, Status.PUBLISHED, message="活动不在报名中")
    activity.status = Status.CLOSED
    activity.save(update_fields=["status"])
    audit.record(user, "activity.close", activity)
    return activity


@transaction.atomic
def mark_held(user, activity: Activity) -> Activity:
    """The activity took place: its check-in closes, its hours can be confirmed. Pending and
    waiting sign-ups end there."""
    activity = services.locked(activity)
    require(services.can_manage(user, activity), REFUSED)
    services.expect_status(
        activity,
        Status.PUBLISHED,
        Status.CLOSED,
        message="只有报名中或报名截止的活动可以标记为已举行",
    )
    if activity.starts_at > timezone.now():
        raise ValidationError("活动尚未开始，不能标记为已举行")
    activity.status = Status.HELD
    activity.save(update_fields=["status"])
    activity.signups.filter(status__in=(SignUpStatus.PENDING, SignUpStatus.WAITING)).update(
        status=SignUpStatus.CANCELLED, reason="活动已举行", decided_at=timezone.now()
    )
    audit.record(user, "activity.held", activity)
    return activity


@transaction.atomic
def cancel(user, activity: Activity, reason: str) -> Activity:
    """Cancel before it is held; everyone signed up hears why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因，报名的人会收到通知"})
    activity = services.locked(activity)
    require(services.can_manage(user, activity), REFUSED)
    services.expect_status(activity, *EDITABLE, message="活动已举行，不能取消")
    activity.status = Status.CANCELLED
    activity.cancel_reason = reason[:200]
    activity.save(update_fields=["status", "cancel_reason"])
    told = list(
        SignUp.objects.filter(activity=activity, status__in=ACTIVE_SIGNUPS).values_list(
            "person_id", flat=True
        )
    )
    notify.tell_people(told, activity, "cancelled", f"活动“{activity.title}”已取消：{reason}")
    audit.record(user, "activity.cancel", activity, after={"reason": reason, "told": len(told)})
    from dangqun.activities import (
        orders,
    )  # import here: orders drafts activities through this module

    orders.after_activity_cancelled(activity)  # 群众点单: the order is open again
    return activity


@transaction.atomic
def archive(user, activity: Activity) -> Activity:
    activity = services.locked(activity)
    require(services.can_manage(user, activity), REFUSED)
    services.expect_status(
        activity, Status.CONFIRMED, Status.HELD, Status.CANCELLED, message="活动尚未结束，不能归档"
    )
    activity.status = Status.ARCHIVED
    activity.save(update_fields=["status"])
    audit.record(user, "activity.archive", activity)
    return activity


def signup_is_open(activity: Activity, at: dt.datetime | None = None) -> bool:
    at = at or timezone.now()
    opens = activity.signup_opens_at or activity.published_at or activity.created_at
    return activity.status == Status.PUBLISHED and opens <= at < activity.signup_closes_at


def require_keeper(user, activity: Activity) -> None:
    if not services.can_manage(user, activity):
        raise PermissionDenied(REFUSED)
