"""Who takes part in a class and which sessions they attended: signing up (a sign-up class) and
leaving, checking in to a session with the rotating code shown there (``core.rotating_codes``,
shared with 组织生活 and 活动) or marked by the organiser, and each member's progress towards
结业 (``reached``: the class's threshold over the 学时 attended). Every change that moves a
member's progress syncs the ledger in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dangqun.core import audit, rotating_codes
from dangqun.learning import class_notify, classes, services, sources_classes
from dangqun.learning.class_models import (
    Attendance,
    ClassSession,
    ClassStatus,
    Enrol,
    Enrolment,
    TrainingClass,
)
from dangqun.people import audience
from dangqun.people.models import Person

OPENS_BEFORE = dt.timedelta(hours=1)  # check-in opens an hour before a session …
CLOSES_AFTER = dt.timedelta(hours=2)  # … and closes two hours after it ends
NOT_NOW = "不在签到时间内（课次开始前 1 小时至结束后 2 小时）"
NOT_ENROLLED = "您没有报名该培训班，请联系组织者"


# Taking part ------------------------------------------------------------------------------------
def enrolment_of(person_id: int | None, klass: TrainingClass) -> Enrolment | None:
    if person_id is None:
        return None
    return Enrolment.objects.filter(klass=klass, person_id=person_id).first()


@transaction.atomic
def sign_up(user, klass: TrainingClass) -> Enrolment:
    person = services.person_of(user)
    klass = classes.locked(klass)
    if klass.status != ClassStatus.PUBLISHED or klass.enrolment != Enrol.SIGN_UP:
        raise ValidationError("该培训班不接受报名")
    if not audience.includes(klass, person):
        raise ValidationError("您不在该培训班的参训对象范围内")
    row = Enrolment.objects.filter(klass=klass, person=person).first()
    if row is not None and row.left_at is None:
        return row
    if row is None:
        row = Enrolment.objects.create(klass=klass, person=person, how=Enrol.SIGN_UP)
    else:
        row.left_at, row.enrolled_at = None, timezone.now()
        row.save(update_fields=["left_at", "enrolled_at"])
    audit.record(user, "learning.class_sign_up", klass, after={"person": person.pk})
    sources_classes.sync_class(klass)  # attendance kept from before leaving counts again
    return row


@transaction.atomic
def withdraw(user, klass: TrainingClass) -> Enrolment:
    """Leave a sign-up class before attending any of it (an assigned class: ask the organiser)."""
    person = services.person_of(user)
    klass = classes.locked(klass)
    row = Enrolment.objects.filter(klass=klass, person=person, left_at__isnull=True).first()
    if row is None:
        raise ValidationError("您没有报名该培训班")
    if row.how == Enrol.ASSIGNED:
        raise ValidationError("该培训班为指定参训，确需请假或退出的请联系组织者")
    if Attendance.objects.filter(session__klass=klass, person=person).exists():
        raise ValidationError("您已有出勤记录，不能退出；如有特殊情况请联系组织者")
    row.left_at = timezone.now()
    row.save(update_fields=["left_at"])
    audit.record(user, "learning.class_withdraw", klass, after={"person": person.pk})
    return row


@transaction.atomic
def release(user, klass: TrainingClass, person_id: int, reason: str) -> Enrolment:
    """The organiser takes someone off the class (leave, transfer); their credits go too."""
    klass = classes.locked(klass)
    services.require_manage(user, klass.org)
    row = Enrolment.objects.filter(klass=klass, person_id=person_id, left_at__isnull=True).first()
    if row is None:
        raise ValidationError({"person": "该人员不在参训名单中"})
    row.left_at = timezone.now()
    row.save(update_fields=["left_at"])
    audit.record(
        user, "learning.class_release", klass, after={"person": person_id, "reason": reason}
    )
    sources_classes.sync_class(klass)
    return row


NOT_IN_SCOPE = "该人员不在主办组织范围内（按所在单位或党组织）"


def _require_running(klass: TrainingClass) -> None:
    if klass.status != ClassStatus.PUBLISHED:
        raise ValidationError("只有进行中的培训班可以调整参训名单")


@transaction.atomic
def enrol(user, klass: TrainingClass, employee_no: str) -> Enrolment:
    """The organiser adds one person by their 工号: anyone in service whose unit or party
    organisation lies under the class's organiser (not only its audience: an invited 入党积极分子,
    a secretary from a joint branch). Someone taken off before comes back; they are told."""
    klass = classes.locked(klass)
    services.require_manage(user, klass.org)
    _require_running(klass)
    path = klass.org.path
    person = (
        Person.objects.filter(employee_no=employee_no.strip(), employment_status="active")
        .filter(Q(unit__path__startswith=path) | Q(party_branch__path__startswith=path))
        .first()
    )
    if person is None:
        raise ValidationError(
            {"employee_no": f"没有工号为 {employee_no.strip()} 的在职人员，或{NOT_IN_SCOPE}"}
        )
    row = Enrolment.objects.filter(klass=klass, person=person).first()
    if row is not None and row.left_at is None:
        raise ValidationError({"employee_no": f"{person.name} 已在参训名单中"})
    if row is None:
        row = Enrolment.objects.create(klass=klass, person=person, how=Enrol.ASSIGNED)
    else:
        row.left_at, row.enrolled_at = None, timezone.now()
        row.save(update_fields=["left_at", "enrolled_at"])
    audit.record(
        user, "learning.class_enrol", klass, after={"person": person.pk, "姓名": person.name}
    )
    sources_classes.sync_class(klass)  # attendance kept from before counts again
    class_notify.tell_people([person.pk], klass, "assigned", f"您已被安排参加培训班：{klass.title}")
    return row


def newcomers(klass: TrainingClass):
    """People of an assigned class's audience who joined it after publishing (never enrolled:
    someone taken off stays off)."""
    if klass.enrolment != Enrol.ASSIGNED or klass.status != ClassStatus.PUBLISHED:
        return Person.objects.none()
    return audience.people(klass).exclude(
        pk__in=Enrolment.objects.filter(klass=klass).values("person_id")
    )


@transaction.atomic
def enrol_newcomers(user, klass: TrainingClass) -> int:
    """Put the audience's newcomers on the list of an assigned class, and tell them."""
    klass = classes.locked(klass)
    services.require_manage(user, klass.org)
    _require_running(klass)
    people = list(newcomers(klass).values_list("pk", flat=True))
    if not people:
        raise ValidationError("参训对象中没有尚未入名单的人员")
    Enrolment.objects.bulk_create(
        [Enrolment(klass=klass, person_id=pk, how=Enrol.ASSIGNED) for pk in people],
        batch_size=2000,
        ignore_conflicts=True,
    )
    audit.record(user, "learning.class_enrol_new", klass, after={"enrolled": len(people)})
    class_notify.tell_people(people, klass, "assigned", f"您已被安排参加培训班：{klass.title}")
    return len(people)


# Attendance -------------------------------------------------------------------------------------
def code_now(session: ClassSession, at: dt.datetime | None = None) -> str:
    return rotating_codes.code_for(session.pk, session.checkin_secret, at)


def shown_code(user, session: ClassSession) -> str:
    services.require_manage(user, session.klass.org)
    return code_now(session)


def in_window(session: ClassSession, at: dt.datetime) -> bool:
    return session.starts_at - OPENS_BEFORE <= at <= session.ends_at + CLOSES_AFTER


@dataclass(frozen=True)
class Scanned:
    session: ClassSession
    first: bool  # False: the person had been recorded already


def _matching(klass: TrainingClass, code: str, at: dt.datetime, session_id: int | None):
    rows = klass.sessions.all()
    if session_id is not None:
        rows = rows.filter(pk=session_id)
    for session in rows:
        if rotating_codes.is_valid(session.pk, session.checkin_secret, code, at):
            if not in_window(session, at):
                raise ValidationError({"code": NOT_NOW})
            return session
    raise ValidationError({"code": rotating_codes.EXPIRED})


@transaction.atomic
def check_in(
    user, klass: TrainingClass, code: str, session_id: int | None = None, at=None
) -> Scanned:
    """The member scans (or types) the code shown at a session; twice keeps the first."""
    at = at or timezone.now()
    person = services.person_of(user)
    klass = classes.locked(klass)
    if klass.status != ClassStatus.PUBLISHED:
        raise ValidationError({"code": "该培训班不在进行中，不能签到"})
    session = _matching(klass, code, at, session_id)
    if not Enrolment.objects.filter(klass=klass, person=person, left_at__isnull=True).exists():
        raise ValidationError({"code": NOT_ENROLLED})
    if Attendance.objects.filter(session=session, person=person).exists():
        return Scanned(session, False)
    try:
        with transaction.atomic():
            Attendance.objects.create(session=session, person=person, at=at, by_code=True)
    except IntegrityError:  # two taps at once: the other one recorded it
        return Scanned(session, False)
    audit.record(
        user, "learning.class_check_in", klass, after={"person": person.pk, "session": session.pk}
    )
    sources_classes.sync_class(klass)
    return Scanned(session, True)


@transaction.atomic
def mark(user, klass: TrainingClass, session_id: int, person_id: int, present: bool) -> bool:
    """The organiser records a member present at a session, or takes it back (a mistake, a
    phone that checked in for someone else). The ledger follows. Returns whether it changed."""
    klass = classes.locked(klass)
    services.require_manage(user, klass.org)
    if klass.status not in (ClassStatus.PUBLISHED, ClassStatus.FINISHED):
        raise ValidationError("只有进行中或已结束的培训班可以登记出勤")
    session = klass.sessions.filter(pk=session_id).first()
    if session is None:
        raise ValidationError({"session": "课次不存在"})
    if not Enrolment.objects.filter(
        klass=klass, person_id=person_id, left_at__isnull=True
    ).exists():
        raise ValidationError({"person": "只能为参训名单中的人员登记出勤"})
    rows = Attendance.objects.filter(session=session, person_id=person_id)
    if present == rows.exists():
        return False
    if present:
        Attendance.objects.create(session=session, person_id=person_id, by_code=False)
    else:
        rows.delete()
    marked = {"person": person_id, "session": session.pk}
    if present:
        audit.record(user, "learning.class_mark", klass, after=marked)
    else:
        audit.record(user, "learning.class_unmark", klass, before=marked)
    sources_classes.sync_class(klass)
    return True
