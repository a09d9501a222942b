"""培训班 (issue #17 §1): who sees which class (the visibility verb), and the organiser's steps —
create, edit, sessions, publish (an assigned class enrols its audience), finish, cancel. Each
step takes the acting user, checks ``learning.manage`` over the class's organiser and writes the
change with its audit row in one transaction; whatever changes the credits syncs the ledger
(``sources_classes.sync_class``)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_LEARNING, VIEW_LEARNING
from dangqun.accounts.scope import Scope
from dangqun.core import audit
from dangqun.core.rules import get_rule
from dangqun.learning import class_notify, services, sources_classes
from dangqun.learning.class_models import (
    ClassSession,
    ClassStatus,
    Enrol,
    Enrolment,
    TrainingClass,
)
from dangqun.people import audience

FIELDS = ("title", "description", "enrolment", "threshold", "audience_who")
OPEN = (ClassStatus.DRAFT, ClassStatus.PUBLISHED)
NOT_OPEN = "培训班已结束或已取消，不能再修改"


# Who sees ---------------------------------------------------------------------------------------
def kept_by(user) -> QuerySet:
    """Classes run by organisations the user manages or reads learning for."""
    scope = Scope.of(user)
    if not (scope.has(MANAGE_LEARNING) or scope.has(VIEW_LEARNING)):
        return TrainingClass.objects.none()
    return TrainingClass.objects.filter(
        scope.within(MANAGE_LEARNING, "org") | scope.within(VIEW_LEARNING, "org")
    )


def enrolled_in(user) -> QuerySet:
    """Published, finished or cancelled classes the user's person is (or was) enrolled in."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return TrainingClass.objects.none()
    return TrainingClass.objects.exclude(status=ClassStatus.DRAFT).filter(
        pk__in=Enrolment.objects.filter(person_id=person_id).values("klass_id")
    )


def open_to(user) -> QuerySet:
    """Published sign-up classes whose audience holds the user's person."""
    person = getattr(user, "person", None)
    rows = TrainingClass.objects.filter(status=ClassStatus.PUBLISHED, enrolment=Enrol.SIGN_UP)
    return audience.for_person(rows, person)


def visible_to(user) -> QuerySet:
    return TrainingClass.objects.filter(
        Q(pk__in=kept_by(user).values("pk"))
        | Q(pk__in=enrolled_in(user).values("pk"))
        | Q(pk__in=open_to(user).values("pk"))
    )


def require_visible(user, pk) -> TrainingClass:
    klass = visible_to(user).select_related("org").filter(pk=pk).first()
    if klass is None:
        raise Http404("培训班不存在或无权查看")
    return klass


def can_manage(user, klass: TrainingClass) -> bool:
    return services.can_manage(user, klass.org)


def locked(klass: TrainingClass) -> TrainingClass:
    return (
        TrainingClass.objects.select_for_update(of=("self",)).select_related("org").get(pk=klass.pk)
    )


def _require_open(klass: TrainingClass) -> None:
    if klass.status not in OPEN:
        raise ValidationError(NOT_OPEN)


# 学时 from a session's length (rule ``life.study_hours``) ---------------------------------------
def default_hours(starts_at: dt.datetime, ends_at: dt.datetime, per_day=None) -> Decimal:
    """The 学时 a session of this length is worth by the local conversion: a day (6 hours of
    teaching or more) ``hours_per_day``, half a day (3 hours or more) half of it, otherwise one
    学时 an hour, in half 学时; several days count a day each. The organiser may change it."""
    if per_day is None:
        per_day = get_rule("life.study_hours").params.get("hours_per_day", 8)
    per_day = Decimal(str(per_day))
    seconds = max((ends_at - starts_at).total_seconds(), 0)
    days, rest = divmod(Decimal(seconds) / 3600, 24)
    if rest >= 6:
        part = per_day
    elif rest >= 3:
        part = per_day / 2
    else:
        part = (rest * 2).to_integral_value(rounding=ROUND_DOWN) / 2
    return (days * per_day + part).quantize(Decimal("0.1"))


# The organiser's steps -------------------------------------------------------------------------
def _snapshot(klass: TrainingClass) -> dict:
    shown = {name: str(getattr(klass, name)) for name in FIELDS}
    shown["org"] = klass.org_id
    return shown


def _set_audience(klass: TrainingClass, orgs) -> None:
    klass.audience_orgs.set(list(orgs or []))


@transaction.atomic
def create(user, data: dict) -> TrainingClass:
    org = data["org"]
    services.require_manage(user, org)
    klass = TrainingClass.objects.create(
        org=org, created_by=user, **{name: data[name] for name in FIELDS}
    )
    _set_audience(klass, data.get("audience_orgs"))
    audit.record(user, "learning.class_create", klass, after=_snapshot(klass))
    return klass


@transaction.atomic
def update(user, klass: TrainingClass, data: dict) -> TrainingClass:
    klass = locked(klass)
    services.require_manage(user, klass.org)
    _require_open(klass)
    services.require_manage(user, data["org"])
    before = _snapshot(klass)
    if klass.status != ClassStatus.DRAFT and data["enrolment"] != klass.enrolment:
        raise ValidationError({"enrolment": "培训班发布后不能更改参训方式"})
    klass.org = data["org"]
    for name in FIELDS:
        setattr(klass, name, data[name])
    klass.save()
    _set_audience(klass, data.get("audience_orgs"))
    audit.record(user, "learning.class_update", klass, before=before, after=_snapshot(klass))
    sources_classes.sync_class(klass)  # the threshold may have changed who completed
    return klass


def _session_checks(starts_at, ends_at) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "结束时间应晚于开始时间"})


@transaction.atomic
def save_session(user, klass: TrainingClass, data: dict, session_id: int | None = None):
    """Add a session (``session_id`` None) or change one; 学时 left empty are computed from its
    length (``default_hours``)."""
    klass = locked(klass)
    services.require_manage(user, klass.org)
    _require_open(klass)
    _session_checks(data["starts_at"], data["ends_at"])
    hours = data.get("hours")
    if hours is None:
        hours = default_hours(data["starts_at"], data["ends_at"])
    values = {
        "topic": data.get("topic", ""),
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "place": data["place"],
        "hours": hours,
    }
    if session_id is None:
        session = ClassSession.objects.create(klass=klass, **values)
        audit.record(user, "learning.session_add", klass, after=_shown(session))
    else:
        session = klass.sessions.filter(pk=session_id).first()
        if session is None:
            raise ValidationError({"session": "课次不存在"})
        before = _shown(session)
        for name, value in values.items():
            setattr(session, name, value)
        session.save()
        audit.record(user, "learning.session_update", klass, before=before, after=_shown(session))
    sources_classes.sync_class(klass)
    return session


def _shown(session: ClassSession) -> dict:
    return {
        "session": session.pk,
        "topic": session.topic,
        "starts_at": timezone.localtime(session.starts_at).isoformat(),
        "hours": str(session.hours),
    }


@transaction.atomic
def remove_session(user, klass: TrainingClass, session_id: int) -> None:
    klass = locked(klass)
    services.require_manage(user, klass.org)
    _require_open(klass)
    session = klass.sessions.filter(pk=session_id).first()
    if session is None:
        raise ValidationError({"session": "课次不存在"})
    if session.present.exists():
        raise ValidationError({"session": "该课次已有出勤记录，不能删除；请先取消出勤登记"})
    before = _shown(session)
    session.delete()
    audit.record(user, "learning.session_remove", klass, before=before)
    sources_classes.sync_class(klass)


@transaction.atomic
def publish(user, klass: TrainingClass) -> int:
    """Publish a draft: an assigned class enrols its whole audience (and tells them), a sign-up
    class opens to it. Returns how many were enrolled."""
    klass = locked(klass)
    services.require_manage(user, klass.org)
    if klass.status != ClassStatus.DRAFT:
        raise ValidationError("只有草稿可以发布")
    if not klass.sessions.exists():
        raise ValidationError("请先添加至少一个课次再发布")
    klass.status, klass.published_at = ClassStatus.PUBLISHED, timezone.now()
    klass.save(update_fields=["status", "published_at"])
    enrolled = 0
    if klass.enrolment == Enrol.ASSIGNED:
        people = list(audience.people(klass).values_list("pk", flat=True))
        Enrolment.objects.bulk_create(
            [Enrolment(klass=klass, person_id=pk, how=Enrol.ASSIGNED) for pk in people],
            batch_size=2000,
            ignore_conflicts=True,
        )
        enrolled = len(people)
        class_notify.tell_people(people, klass, "assigned", f"您已被安排参加培训班：{klass.title}")
    audit.record(user, "learning.class_publish", klass, after={"enrolled": enrolled})
    return enrolled


@transaction.atomic
def finish(user, klass: TrainingClass) -> TrainingClass:
    klass = locked(klass)
    services.require_manage(user, klass.org)
    if klass.status != ClassStatus.PUBLISHED:
        raise ValidationError("只有进行中的培训班可以结束")
    klass.status = ClassStatus.FINISHED
    klass.save(update_fields=["status"])
    audit.record(user, "learning.class_finish", klass)
    return klass


@transaction.atomic
def cancel(user, klass: TrainingClass, reason: str) -> TrainingClass:
    """Cancel a draft or a class under way; credits it gave are taken back."""
    klass = locked(klass)
    services.require_manage(user, klass.org)
    _require_open(klass)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    was = klass.status
    klass.status, klass.cancel_reason = ClassStatus.CANCELLED, reason[:200]
    klass.save(update_fields=["status", "cancel_reason"])
    audit.record(
        user, "learning.class_cancel", klass, before={"status": was}, after={"reason": reason}
    )
    if was == ClassStatus.PUBLISHED:
        people = klass.enrolments.filter(left_at__isnull=True).values_list("person_id", flat=True)
        class_notify.tell_people(
            list(people), klass, "cancelled", f"培训班已取消：{klass.title}（{reason}）"
        )
    sources_classes.sync_class(klass)
    return klass


def sessions_of(klass: TrainingClass) -> list[ClassSession]:
    return list(klass.sessions.order_by("starts_at", "id"))


def organised_by(user) -> QuerySet:
    """The organiser's list: classes of organisations they manage or read, newest first."""
    return kept_by(user).select_related("org").order_by("-created_at", "-id")


def mine(user) -> tuple[list[TrainingClass], list[TrainingClass]]:
    """我的培训班: the classes the person is enrolled in (not left), and those open for sign-up
    they have not joined."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return [], []
    active = Enrolment.objects.filter(person_id=person_id, left_at__isnull=True)
    enrolled = list(
        TrainingClass.objects.exclude(status=ClassStatus.DRAFT)
        .filter(pk__in=active.values("klass_id"))
        .select_related("org")
        .order_by("-published_at", "-id")
    )
    open_ = list(
        open_to(user)
        .exclude(pk__in=active.values("klass_id"))
        .select_related("org")
        .order_by("-published_at", "-id")
    )
    return enrolled, open_
