"""群众点单·党员接单 (issue #16 §3): a 求助/诉求 voice becomes a service order that volunteers,
志愿服务队 leaders and organisers in scope see and claim (接单, once); the claim creates a draft
volunteer activity linked to the order; when the activity's hours are confirmed the voice is
answered through voices' own answering service with what was done, and the person's rating of
that answer closes the loop and counts in 三率 like any other answer.

The voice's deadlines are not touched: they keep running while the order is open. Every change
takes the acting user and writes its audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.roles import HANDLE_VOICES, MANAGE_ACTIVITIES, MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.activities import organising, services, volunteers
from dangqun.activities.models import (
    Activity,
    ActivityKind,
    OrderStatus,
    ServiceOrder,
    VolunteerTeam,
)
from dangqun.core import audit, rotating_codes
from dangqun.notices.services import holders, notify
from dangqun.orgs.models import Org
from dangqun.voices import handling
from dangqun.voices import services as voices
from dangqun.voices.models import Identity, Kind, Voice
from dangqun.voices.models import Status as VoiceStatus

NOT_FOUND = "该服务需求不存在或无权查看"
NOT_A_REQUEST = "只有“诉求/求助”类的呼声可以转为服务需求"
NOT_ASSIGNED = "请先受理交办该呼声，再转为服务需求（办理时限照常计算）"
ALREADY = "该呼声已转为服务需求"
TAKEN = "该服务需求已被接单"
MAY_NOT_CLAIM = "只有注册志愿者、志愿服务队队长或活动组织者可以接单"
FIELDS = ("org", "title", "description", "place", "service_type", "people_needed", "wanted_by")


# Who sees ------------------------------------------------------------------------------------
def _led_teams(person) -> QuerySet:
    return VolunteerTeam.objects.filter(leader=person, active=True)


def volunteer_paths(user) -> list[str]:
    """The organisation paths an order may lie on for the user to see it as a volunteer or a
    team leader: every ancestor of their unit, branch, union and league organisation and of their
    teams' organisations. Empty for someone who is neither."""
    person = getattr(user, "person", None)
    if person is None:
        return []
    team_paths = list(_led_teams(person).values_list("org__path", flat=True))
    if not team_paths and not volunteers.is_volunteer(person):
        return []
    return services._ancestors_and_self([*services.person_paths(person), *team_paths])


def visible_to(user) -> QuerySet:
    """Orders the user may open: of organisations where they organise activities or manage
    voices, those in reach of a registered volunteer or team leader, and those they claimed."""
    if not getattr(user, "is_authenticated", False):
        return ServiceOrder.objects.none()
    scope = Scope.of(user)
    query = scope.within(MANAGE_ACTIVITIES, "org") | scope.within(MANAGE_VOICES, "org")
    query |= Q(claimed_by=user)
    paths = volunteer_paths(user)
    if paths:
        query |= Q(org__path__in=paths)
    return ServiceOrder.objects.filter(query)


def require_visible(user, pk) -> ServiceOrder:
    order = (
        visible_to(user)
        .select_related("org", "voice", "activity", "activity__team")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404(NOT_FOUND)
    return order


def may_order(user, voice: Voice) -> bool:
    """Whether the user may turn the voice into an order (a mass-work admin of the voice)."""
    return voices.can_manage(user, voice)


def order_orgs(user) -> QuerySet:
    """The organisations an order may be raised for: where the user manages voices."""
    return Scope.of(user).orgs(MANAGE_VOICES).filter(dissolved_on__isnull=True).order_by("path")


def open_order_of(voice: Voice) -> ServiceOrder | None:
    return voice.orders.exclude(status=OrderStatus.CANCELLED).first()


# Raising an order from a voice ---------------------------------------------------------------
def initial_for(voice: Voice) -> dict:
    """What the order form starts with: the voice's title, its unit and its resolution deadline;
    the description is the admin's to write (the voice's own text may name the person)."""
    return {"title": voice.title, "org": voice.unit_id, "wanted_by": voice.resolution_due}


def _check(data: dict) -> dict[str, str]:
    errors = {}
    if not (data.get("title") or "").strip():
        errors["title"] = "请填写需求名称"
    if not (data.get("description") or "").strip():
        errors["description"] = "请填写服务内容（志愿者将看到，请勿写入反映人的个人信息）"
    needed = data.get("people_needed")
    if needed is not None and needed < 1:
        errors["people_needed"] = "需要人数应为正整数；不限请留空"
    if data.get("org") is None:
        errors["org"] = "请选择需求范围"
    return errors


@transaction.atomic
def create(user, voice: Voice, data: dict) -> ServiceOrder:
    """A mass-work admin of the voice raises a service order from a 受理-ed 求助/诉求 voice."""
    voice = voices.locked(voice)
    require(may_order(user, voice), "您无权将该呼声转为服务需求")
    if voice.kind != Kind.REQUEST:
        raise ValidationError(NOT_A_REQUEST)
    if voice.status not in (VoiceStatus.ASSIGNED, VoiceStatus.IN_PROGRESS):
        if voice.status == VoiceStatus.SUBMITTED:
            raise ValidationError(NOT_ASSIGNED)
        raise ValidationError("该呼声已不在办理中，不能转为服务需求")
    if open_order_of(voice) is not None:
        raise ValidationError(ALREADY)
    errors = _check(data)
    if errors:
        raise ValidationError(errors)
    org = data["org"]
    require(Scope.of(user).can(MANAGE_VOICES, org), "您无权向该组织发布服务需求")
    order = ServiceOrder(voice=voice, created_by=user)
    for name in FIELDS:
        if data.get(name) is not None:
            value = data[name]
            setattr(order, name, value.strip() if isinstance(value, str) else value)
    order.save()
    audit.record(user, "order.create", order, after={"voice": voice.number, "org": org.name})
    url = reverse("activities:order", args=[order.pk])
    _tell_organisers(org, "order.new", f"新的志愿服务需求：{order.title}，欢迎接单", url)
    return order


@transaction.atomic
def cancel(user, order: ServiceOrder, reason: str) -> ServiceOrder:
    """Withdraw an order nobody has claimed (the voice goes on being handled as usual)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销原因"})
    order = ServiceOrder.objects.select_for_update().select_related("voice").get(pk=order.pk)
    require(may_order(user, order.voice), "您无权撤销该服务需求")
    if order.status != OrderStatus.OPEN:
        raise ValidationError("只有待接单的服务需求可以撤销")
    order.status, order.cancelled_at, order.cancel_reason = (
        OrderStatus.CANCELLED,
        timezone.now(),
        reason[:200],
    )
    order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    audit.record(user, "order.cancel", order, after={"reason": reason})
    return order


# Claiming ------------------------------------------------------------------------------------
def claim_teams(user) -> QuerySet:
    """Teams the user may claim for: those they lead, and those of organisations they organise
    for."""
    scope = Scope.of(user)
    query = scope.within(MANAGE_ACTIVITIES, "org")
    person = getattr(user, "person", None)
    if person is not None:
        query |= Q(leader=person)
    return VolunteerTeam.objects.filter(query, active=True).select_related("org")


def own_org(user) -> Org | None:
    """The organisation a registered volunteer claims for: their party branch, else their unit."""
    person = getattr(user, "person", None)
    if person is None or not volunteers.is_volunteer(person):
        return None
    return person.party_branch or person.unit


def may_claim(user) -> bool:
    return bool(
        services.organiser_orgs(user).exists()
        or claim_teams(user).exists()
        or own_org(user) is not None
    )


def _target(user, team: VolunteerTeam | None, org: Org | None) -> tuple[Org, VolunteerTeam | None]:
    """For whom the activity is organised: a team, an organisation the user organises for, or the
    registered volunteer's own organisation."""
    if team is not None:
        require(claim_teams(user).filter(pk=team.pk).exists(), "您不是该志愿服务队的队长或组织者")
        return team.org, team
    if org is not None:
        require(services.can_organise_for(user, org), organising.REFUSED)
        return org, None
    mine = own_org(user)
    if mine is None and may_claim(user):  # an organiser or leader who is no volunteer
        raise ValidationError({"org": "请选择以哪个志愿服务队或组织接单"})
    require(mine is not None, MAY_NOT_CLAIM)
    return mine, None


def _draft(user, order: ServiceOrder, org: Org, team, starts_at, ends_at, place) -> Activity:
    """The draft volunteer activity the claim creates, kept by the organisation's organisers
    (the claim's own rule stands for the organiser check of ``organising.create``)."""
    kind = ActivityKind.objects.filter(code="volunteer").first()
    if kind is None:
        raise ValidationError("系统中没有“志愿服务”活动类型，请联系管理员")
    data = {
        "kind": kind,
        "title": order.title[:100],
        "org": org,
        "team": team,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": (place or order.place or "").strip() or "待定",
        "description": order.description,
        "capacity": order.people_needed,
        "signup_closes_at": starts_at,
        "service_type": order.service_type,
    }
    errors = organising.check(data)
    if errors:
        raise ValidationError(errors)
    activity = Activity.objects.create(
        **data, checkin_secret=rotating_codes.new_secret(), created_by=user
    )
    audit.record(user, "activity.create", activity, after={"org": org.name, "order": order.pk})
    return activity


@transaction.atomic
def claim(
    user,
    order: ServiceOrder,
    *,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    team: VolunteerTeam | None = None,
    org: Org | None = None,
    place: str = "",
) -> ServiceOrder:
    """接单: the first claim wins (the order's row is locked); it creates the draft activity for
    the claimer's team or organisation and tells the voice's author their request was taken up."""
    errors = {}
    if starts_at is None:
        errors["starts_at"] = "请填写服务开始时间"
    elif starts_at <= timezone.now():
        errors["starts_at"] = "服务开始时间应晚于现在"
    if ends_at is None:
        errors["ends_at"] = "请填写服务结束时间"
    if errors:
        raise ValidationError(errors)
    order = (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("voice")
        .get(pk=order.pk)
    )
    if visible_to(user).filter(pk=order.pk).first() is None:
        raise Http404(NOT_FOUND)
    if order.status != OrderStatus.OPEN:
        raise ValidationError(
            TAKEN if order.status != OrderStatus.CANCELLED else "该服务需求已撤销"
        )
    target_org, team = _target(user, team, org)
    activity = _draft(user, order, target_org, team, starts_at, ends_at, place)
    order.status, order.claimed_by, order.claimed_at, order.activity = (
        OrderStatus.CLAIMED,
        user,
        timezone.now(),
        activity,
    )
    order.save(update_fields=["status", "claimed_by", "claimed_at", "activity"])
    who = team.name if team is not None else target_org.name
    audit.record(user, "order.claim", order, after={"activity": activity.pk, "by": who})
    _tell_author(order.voice, f"您反映的 {order.voice.number} 已由志愿服务接单办理")
    if not services.can_manage(user, activity):
        url = reverse("activities:detail", args=[activity.pk])
        _tell_organisers(
            activity.org,
            "order.claimed",
            f"志愿服务需求“{order.title}”已接单，请完善并发布活动",
            url,
        )
    return order


# Done: the activity's hours are confirmed -----------------------------------------------------
def after_hours_confirmed(activity: Activity, by=None) -> ServiceOrder | None:
    """Called by ``hours.confirm`` inside its transaction, ``by`` the organiser who confirmed: the
    order is done and its voice answered with what was done (as its handler would answer)."""
    order = (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("voice")
        .filter(activity=activity, status=OrderStatus.CLAIMED)
        .first()
    )
    if order is None:
        return None
    actor = by if getattr(by, "is_authenticated", False) else None
    now = timezone.now()
    order.status, order.done_at = OrderStatus.DONE, now
    served = activity.hours.exists()  # nobody credited: nothing was done to report
    answered = served and _answer_voice(order, actor, answer_text(activity))
    if not served:
        _tell_handlers(
            order.voice, f"{order.voice.number} 的服务活动没有确认的志愿服务时长，请答复反映人"
        )
    if answered:
        order.answered_at = now
    order.save(update_fields=["status", "done_at", "answered_at"])
    audit.record(actor, "order.done", order, after={"answered": answered})
    return order


def after_activity_cancelled(activity: Activity) -> ServiceOrder | None:
    """Called by ``organising.cancel`` inside its transaction: the claimed order whose activity
    was cancelled is open again for another claim (the voice's deadlines ran on regardless)."""
    order = (
        ServiceOrder.objects.select_for_update(of=("self",))
        .filter(activity=activity, status=OrderStatus.CLAIMED)
        .first()
    )
    if order is None:
        return None
    order.status, order.claimed_by, order.claimed_at, order.activity = (
        OrderStatus.OPEN,
        None,
        None,
        None,
    )
    order.save(update_fields=["status", "claimed_by", "claimed_at", "activity"])
    audit.record(None, "order.reopen", order, after={"cancelled_activity": activity.pk})
    _tell_organisers(
        order.org,
        "order.reopened",
        f"服务需求“{order.title}”的活动已取消，需求重新开放接单",
        reverse("activities:order", args=[order.pk]),
    )
    return order


def _answer_voice(order: ServiceOrder, confirmer, text: str) -> bool:
    """Answer the voice through ``voices.handling`` as someone who may handle it: the organiser
    who confirmed, else the voice's handler, else the admin who raised the order. A voice no
    longer being handled (answered by hand, closed) is left as it is."""
    voice = voices.locked(order.voice)
    if voice.status not in (VoiceStatus.ASSIGNED, VoiceStatus.IN_PROGRESS):
        return False
    candidates = [confirmer, voice.handler, order.created_by]
    actor = next((u for u in candidates if u is not None and voices.can_handle(u, voice)), None)
    if actor is None:
        _tell_handlers(voice, f"{voice.number} 的志愿服务已完成，请答复反映人")
        return False
    if voice.status == VoiceStatus.ASSIGNED:
        voice = handling.respond(actor, voice)
    handling.answer(actor, voice, text=text, solved=True)
    return True


def answer_text(activity: Activity) -> str:
    """What the person reads: the activity, its date, how many served and for how long; no
    volunteer's name (the person is not shown staff names either)."""
    served = activity.hours.values("person_id").distinct().count()
    total = activity.hours.aggregate(total=Sum("hours"))["total"] or 0
    by = activity.team.name if activity.team_id else activity.org.name
    day = timezone.localtime(activity.starts_at)
    return (
        f"您反映的需求已由{by}组织志愿服务办理：{day.year}年{day.month}月{day.day}日开展“{activity.title}”，"
        f"{served} 名志愿者参加，共服务 {total:.1f} 小时。欢迎您对本次服务进行评价。"
    )


# Who hears -----------------------------------------------------------------------------------
def _tell_author(voice: Voice, title: str) -> None:
    """The voice's author, through the bell (nobody for an anonymous voice: they look it up by
    their query code). The notice names no volunteer."""
    if voice.user_id and voice.identity != Identity.ANONYMOUS:
        notify(
            [voice.user_id],
            kind="voice.order",
            title=title,
            url=reverse("voices:detail", args=[voice.pk]),
        )


def _tell_handlers(voice: Voice, title: str) -> None:
    """The voice's handling unit, when the order could not answer the voice itself."""
    if voice.handling_org is not None:
        notify(
            holders(HANDLE_VOICES, voice.handling_org, nearest=True),
            kind="voice.order_done",
            title=title,
            url=reverse("voices:detail", args=[voice.pk]),
        )


def _tell_organisers(org: Org, kind: str, title: str, url: str) -> None:
    notify(holders(MANAGE_ACTIVITIES, org, nearest=True), kind=kind, title=title, url=url)


def open_orders(user) -> QuerySet:
    return visible_to(user).filter(status=OrderStatus.OPEN)
