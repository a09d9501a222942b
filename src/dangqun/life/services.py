"""组织生活 services: plan the year from the cadence rules, schedule, record, check in, finalise.

Every change takes the acting user, checks the scope, writes the change and its audit row in one
transaction. Holding the meeting is the only work: who is expected comes from the organisation,
and attendance, 学时 and compliance follow from the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_LIFE, VIEW_LIFE
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit, filestore
from dangqun.core.rules import get_rule
from dangqun.life import cadence, tally
from dangqun.life.models import (
    Addendum,
    Attendee,
    Kind,
    Meeting,
    MeetingFile,
    Presence,
    Role,
    Status,
)
from dangqun.orgs.models import BRANCH_KINDS, Org, System
from dangqun.people.models import Person, PoliticalStatus

MAX_TOPIC = 200
MAX_TEXT = 20_000
MAX_FILES = 60  # photos and documents of one meeting
DEFAULT_HOUR = dt.time(14, 30)  # when a planned meeting starts until the secretary moves it
DEFAULT_LENGTH = dt.timedelta(hours=2)
CODE_WINDOW = 30  # seconds a check-in code is shown before the next one
CODE_GRACE = 1  # windows before the current one still accepted (the code on screen just rotated)
CODE_EXPIRED = "签到码已过期，请扫描会场当前显示的二维码"


# Who sees and who keeps -------------------------------------------------------------------
def visible_to(user) -> QuerySet:
    """Meetings of the organisations in the user's 组织生活 scope."""
    scope = Scope.of(user)
    return Meeting.objects.filter(scope.within(VIEW_LIFE, "org") | scope.within(MANAGE_LIFE, "org"))


def attending(user) -> QuerySet:
    """Meetings the user's person is expected at or came to."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(attendees__person_id=person_id)


def reads_all(user) -> bool:
    """Whether the user reads organisations' meetings (a 组织生活 role), not only their own."""
    scope = Scope.of(user)
    return scope.has(VIEW_LIFE) or scope.has(MANAGE_LIFE)


def listed_for(user) -> QuerySet:
    """The meetings the user's list shows: those of their scope for a 组织生活 role, else those
    their person is expected at."""
    return visible_to(user) if reads_all(user) else attending(user)


SHOW = {  # which meetings a list shows: key → (label, filter)
    "upcoming": ("待召开", Q(status=Status.PLANNED)),
    "held": ("已召开", Q(status__in=(Status.HELD, Status.FINALISED))),
    "all": ("全部", Q()),
}


def listed(user, show: str = "upcoming") -> QuerySet:
    """The meetings of the user's list (``show`` one of ``SHOW``) with their expected and present
    counts, the next first when upcoming, else the latest first."""
    meetings = listed_for(user).filter(SHOW[show][1]).select_related("org")
    meetings = meetings.annotate(
        expected=Count("attendees", filter=~Q(attendees__role=Role.GUEST)),
        present=Count("attendees", filter=Q(attendees__presence=Presence.PRESENT)),
    )
    order = ("starts_at", "id") if show == "upcoming" else ("-starts_at", "-id")
    return meetings.order_by(*order)


def require_visible(user, pk: int) -> Meeting:
    """The meeting if the user may open it (their scope, or they are on its list), else 404."""
    meeting = (
        (visible_to(user) | attending(user))
        .select_related("org", "host", "recorder")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404("组织生活不存在或无权查看")
    return meeting


def can_manage(user, org: Org) -> bool:
    return Scope.of(user).can(MANAGE_LIFE, org)


def may_schedule(user) -> bool:
    """Whether the user keeps the meetings of any organisation (may plan or schedule one)."""
    return org_choices(user).exists()


def _require_manage(actor, org: Org) -> None:
    require(can_manage(actor, org), "您无权管理该组织的组织生活")


# Who should come ----------------------------------------------------------------------------
def expected_people(org: Org) -> list[tuple[Person, str]]:
    """The people an organisation's meeting expects, with their role: for a party organisation,
    the current members and probationary members whose branch lies in it; for a union or league
    organisation, its members."""
    subtree = Org.objects.filter(path__startswith=org.path).values("pk")
    if org.system == System.PARTY:
        people = Person.objects.filter(is_current_member=True, party_branch__in=subtree)
    elif org.system == System.UNION:
        people = Person.objects.filter(union_org__in=subtree)
    elif org.system == System.LEAGUE:
        people = Person.objects.filter(league_org__in=subtree)
    else:
        people = Person.objects.none()
    people = people.order_by("employee_no", "pk")
    return [
        (
            p,
            Role.PROBATIONARY
            if p.political_status == PoliticalStatus.PROBATIONARY
            else Role.MEMBER,
        )
        for p in people
    ]


# Planning -----------------------------------------------------------------------------------
def plan_year(actor, org: Org, year: int) -> list[Meeting]:
    """Plan the meetings the cadence rules expect of ``org`` in ``year``. A period that already
    has a meeting of that kind (planned, held or finalised) gets none, so planning twice, or
    after some meetings were entered by hand, adds only what is missing."""
    _require_manage(actor, org)
    has_committee = org.terms.filter(closed_on__isnull=True, has_committee=True).exists()
    kinds = cadence.due_kinds(org.kind, has_committee)
    if not kinds:
        raise ValidationError({"org": f"{org.get_kind_display()}没有按规定周期召开的组织生活"})
    first, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    existing = {
        (kind, day)
        for kind, day in org.meetings.exclude(status=Status.CANCELLED)
        .filter(starts_at__date__gte=first, starts_at__date__lt=end)
        .values_list("kind", "starts_at")
    }
    tz = timezone.get_current_timezone()
    created = []
    with transaction.atomic():
        for kind in kinds:
            rule = cadence.cadence(kind)
            held = [timezone.localtime(at, tz).date() for k, at in existing if k == kind]
            for period in cadence.periods(first, end, rule.per):
                missing = rule.times - sum(day in period for day in held)
                for day in cadence.slots(rule, period)[rule.times - missing :]:
                    starts = dt.datetime.combine(day, DEFAULT_HOUR, tzinfo=tz)
                    created.append(
                        _new_meeting(org, kind, f"{period.label}{rule.label}", starts, planned=True)
                    )
        audit.record(
            actor,
            "life.plan",
            org,
            after={"year": year, "meetings": len(created)},
            object_repr=f"{org.name} {year} 年组织生活计划（新增 {len(created)} 次）",
        )
    return created


def _new_meeting(org: Org, kind: str, topic: str, starts: dt.datetime, **extra) -> Meeting:
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        topic=topic,
        starts_at=starts,
        ends_at=starts + DEFAULT_LENGTH,
        checkin_secret=secrets.token_hex(16),
        **extra,
    )
    Attendee.objects.bulk_create(
        Attendee(meeting=meeting, person=person, role=role) for person, role in expected_people(org)
    )
    return meeting


# Scheduling and recording -------------------------------------------------------------------
EDITABLE = ("topic", "starts_at", "ends_at", "place", "host", "recorder", "agenda")
RECORD = ("minutes", "decisions")


def schedule(actor, org: Org, data: dict) -> Meeting:
    """A meeting entered by hand (not from the plan)."""
    _require_manage(actor, org)
    kind = data.get("kind")
    errors = _check(data)
    if kind not in Kind.values:
        errors["kind"] = "请选择组织生活类型"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = _new_meeting(org, kind, data["topic"].strip(), data["starts_at"])
        for name in EDITABLE:
            if name in data and name not in ("topic", "starts_at"):
                setattr(meeting, name, data[name])
        meeting.save()
        audit.record(actor, "life.schedule", meeting, after=_summary(meeting))
    return meeting


def update(actor, meeting: Meeting, data: dict) -> Meeting:
    """Change the plan or the record of a meeting not yet finalised."""
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_manage(actor, meeting.org)
        _require_open(meeting)
        errors = _check({**_summary(meeting, raw=True), **data})
        if errors:
            raise ValidationError(errors)
        before, counted_in = _summary(meeting), tally.key(meeting)
        for name in (*EDITABLE, *RECORD):
            if name in data:
                value = data[name]
                setattr(meeting, name, value.strip() if isinstance(value, str) else value)
        if meeting.status == Status.PLANNED and any(data.get(name) for name in RECORD):
            meeting.status, meeting.held_at = Status.HELD, timezone.now()
        meeting.save()
        tally.refresh([counted_in, tally.key(meeting)])
        audit.record(actor, "life.update", meeting, before=before, after=_summary(meeting))
    return meeting


def cancel(actor, meeting: Meeting, *, reason: str) -> Meeting:
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_manage(actor, meeting.org)
        if meeting.status != Status.PLANNED:
            raise ValidationError({"status": "只有尚未召开的组织生活可以取消"})
        if not (reason or "").strip():
            raise ValidationError({"reason": "请说明取消的原因"})
        meeting.status = Status.CANCELLED
        meeting.save(update_fields=["status"])
        audit.record(actor, "life.cancel", meeting, after={"reason": reason.strip()})
    return meeting


def finalise(actor, meeting: Meeting) -> Meeting:
    """Freeze the minutes: from now on a change is an addendum."""
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_manage(actor, meeting.org)
        _require_open(meeting)
        if not meeting.minutes.strip():
            raise ValidationError({"minutes": "请先填写会议记录再定稿"})
        if meeting.starts_at > timezone.now():
            raise ValidationError({"status": "会议尚未开始，不能定稿"})
        meeting.attendees.filter(presence=Presence.EXPECTED).update(presence=Presence.ABSENT)
        meeting.status, meeting.finalised_at, meeting.finalised_by = (
            Status.FINALISED,
            timezone.now(),
            actor,
        )
        meeting.held_at = meeting.held_at or meeting.finalised_at
        expected = meeting.attendees.exclude(role=Role.GUEST)
        meeting.expected_count = expected.count()
        meeting.present_count = expected.filter(presence=Presence.PRESENT).count()
        meeting.save()
        tally.refresh([tally.key(meeting)])
        refresh_standing(expected.values_list("person_id", flat=True))
        audit.record(actor, "life.finalise", meeting, after=_summary(meeting))
    return meeting


def refresh_standing(person_ids) -> None:
    """Recompute the ``Standing`` of these people from their finalised attendance (two aggregate
    queries and one upsert, whatever the number of people)."""
    from django.db.models import Count, Max, Min, OuterRef, Subquery

    from dangqun.life.models import Standing

    person_ids = list(person_ids)
    if not person_ids:
        return
    rows = Attendee.objects.filter(
        person_id__in=person_ids, meeting__status=Status.FINALISED
    ).exclude(role=Role.GUEST)
    last_not_absent = (
        rows.filter(person_id=OuterRef("person_id"))
        .exclude(presence=Presence.ABSENT)
        .order_by("-meeting__starts_at")
        .values("meeting__starts_at")[:1]
    )
    summary = (
        rows.values("person_id")
        .annotate(
            first=Min("meeting__starts_at"),
            last_present=Max("meeting__starts_at", filter=Q(presence=Presence.PRESENT)),
            kept=Subquery(last_not_absent),
        )
        .order_by()
    )
    found = {row["person_id"]: row for row in summary}
    streaks = dict(
        rows.filter(presence=Presence.ABSENT)
        .annotate(kept=Subquery(last_not_absent))
        .filter(Q(kept__isnull=True) | Q(meeting__starts_at__gt=F("kept")))
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
        .order_by()
    )
    Standing.objects.bulk_create(
        [
            Standing(
                person_id=pk,
                first_expected_at=row["first"],
                last_present_at=row["last_present"],
                absent_streak=streaks.get(pk, 0),
            )
            for pk, row in found.items()
        ],
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["first_expected_at", "last_present_at", "absent_streak"],
    )


def add_addendum(actor, meeting: Meeting, text: str, files=()) -> Addendum:
    """A correction of finalised minutes, with its author and time, and perhaps photos or
    documents (checked uploads); the minutes stay as they were."""
    _require_manage(actor, meeting.org)
    if not meeting.is_finalised:
        raise ValidationError({"text": "记录尚未定稿，请直接修改会议记录"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写补充说明"})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"不能超过 {MAX_TEXT} 个字"})
    _require_room(meeting, files)  # before writing anything; again below, under the lock
    stored = filestore.store(list(files), "life", previews=True)
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_room(meeting, stored)
        addendum = Addendum.objects.create(meeting=meeting, author=actor, text=text)
        _file_rows(actor, meeting, stored, addendum=addendum)
        audit.record(actor, "life.addendum", meeting, after={"text": text, "files": _names(stored)})
    return addendum


# Photos and documents -----------------------------------------------------------------------
def add_files(actor, meeting: Meeting, files) -> list[MeetingFile]:
    """Photos and documents of a meeting not yet finalised (checked uploads, ``core.uploads``);
    after finalisation they come with an addendum."""
    _require_manage(actor, meeting.org)
    if meeting.is_finalised:
        raise ValidationError({"files": "会议记录已定稿，请在补充说明中上传照片或附件"})
    if meeting.status == Status.CANCELLED:
        raise ValidationError({"files": "本次组织生活已取消"})
    if not files:
        raise ValidationError({"files": "请选择文件"})
    _require_room(meeting, files)  # before writing anything; again below, under the lock
    stored = filestore.store(list(files), "life", previews=True)
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open(meeting)  # finalised meanwhile: the files stay orphans, swept at night
        _require_room(meeting, stored)
        rows = _file_rows(actor, meeting, stored)
        audit.record(actor, "life.files", meeting, after={"files": _names(stored)})
    return rows


def remove_file(actor, meeting: Meeting, file_id: int) -> None:
    """Remove a file from minutes not yet finalised (the stored file goes after the commit)."""
    _require_manage(actor, meeting.org)
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open(meeting)
        row = MeetingFile.objects.filter(meeting=meeting, pk=file_id).first()
        if row is None:
            raise ValidationError({"files": "文件不存在或已删除"})
        row.delete()
        audit.record(actor, "life.remove_file", meeting, before={"files": [row.name]})
        transaction.on_commit(lambda: _delete_stored(row))


def sweep_orphan_files(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete stored meeting files that no row names (left by a transaction that failed)."""
    known = set()
    for path, preview in MeetingFile.objects.values_list("file", "preview").iterator():
        known.update((path, preview))
    return filestore.sweep_orphans("life", known, older_than)


def _delete_stored(row: MeetingFile) -> None:
    row.file.delete(save=False)
    if row.preview:
        row.preview.delete(save=False)


def _require_room(meeting: Meeting, files) -> None:
    if meeting.files.count() + len(files) > MAX_FILES:
        raise ValidationError({"files": f"每次组织生活最多保存 {MAX_FILES} 个照片和附件"})


def _file_rows(actor, meeting, stored, addendum=None) -> list[MeetingFile]:
    return MeetingFile.objects.bulk_create(
        MeetingFile(
            meeting=meeting, addendum=addendum, uploaded_by=actor, preview=f.preview, **f.fields
        )
        for f in stored
    )


def _names(stored) -> list[str]:
    return [f.name for f in stored]


# Attendance ---------------------------------------------------------------------------------
def mark(actor, meeting: Meeting, person: Person, presence: str, reason: str = "") -> Attendee:
    """The secretary records who came, who asked for leave (with the reason) and who did not;
    a person not on the list comes as 列席."""
    _require_manage(actor, meeting.org)
    if presence not in (Presence.PRESENT, Presence.LEAVE, Presence.ABSENT):
        raise ValidationError({"presence": "请选择出席、请假或缺席"})
    reason = (reason or "").strip()
    if presence == Presence.LEAVE and not reason:
        raise ValidationError({"leave_reason": "请假须填写事由"})
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open(meeting)
        attendee = _attendee(meeting, person)
        attendee.presence, attendee.marked_by = presence, actor
        attendee.leave_reason = reason if presence == Presence.LEAVE else ""
        if presence == Presence.PRESENT and attendee.checked_in_at is None:
            attendee.checked_in_at = timezone.now()
        attendee.save()
        audit.record(
            actor,
            "life.mark",
            meeting,
            after={"person": person.pk, "presence": presence, "reason": attendee.leave_reason},
        )
    return attendee


def mark_on_list(
    actor, meeting: Meeting, person_id: int, presence: str, reason: str = ""
) -> Attendee:
    """The secretary's mark from the meeting's page or the API: only for a person on the
    meeting's list (a guest comes by checking in)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not meeting.attendees.filter(person=person).exists():
        raise ValidationError({"person": "该人员不在本次组织生活的名单中"})
    return mark(actor, meeting, person, presence, reason)


def attendance_counts(attendees) -> dict:
    """Expected (members), present, on leave, and guests who came, from the attendee rows."""
    expected = [a for a in attendees if a.role != Role.GUEST]
    return {
        "expected": len(expected),
        "present": sum(a.presence == Presence.PRESENT for a in expected),
        "leave": sum(a.presence == Presence.LEAVE for a in expected),
        "guests": sum(a.role == Role.GUEST and a.presence == Presence.PRESENT for a in attendees),
    }


def request_leave(user, meeting: Meeting, reason: str) -> Attendee:
    """A member asks for leave before the meeting, with the reason."""
    person = getattr(user, "person", None)
    reason = (reason or "").strip()
    if person is None:
        raise ValidationError({"leave_reason": "账号未关联人员档案"})
    if not reason:
        raise ValidationError({"leave_reason": "请假须填写事由"})
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open(meeting)
        attendee = meeting.attendees.filter(person=person).first()
        if attendee is None:
            raise ValidationError({"leave_reason": "您不在本次组织生活的应到名单中"})
        if attendee.presence == Presence.PRESENT:
            raise ValidationError({"leave_reason": "您已签到，无需请假"})
        attendee.presence, attendee.leave_reason = Presence.LEAVE, reason[:200]
        attendee.save(update_fields=["presence", "leave_reason"])
        audit.record(user, "life.leave", meeting, after={"reason": attendee.leave_reason})
    return attendee


def checkin_code(meeting: Meeting, at: dt.datetime | None = None) -> str:
    """The code shown at the meeting now: it changes every ``CODE_WINDOW`` seconds, so a photo of
    it is useless later; it cannot be derived without the server's key and the meeting's secret."""
    window = int((at or timezone.now()).timestamp()) // CODE_WINDOW
    message = f"{meeting.pk}:{meeting.checkin_secret}:{window}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return digest[:10]


def shown_code(user, pk: int) -> tuple[Meeting, str]:
    """The meeting and the code to show at it now, for its keepers only."""
    meeting = require_visible(user, pk)
    require(can_manage(user, meeting.org), "只有组织生活的管理人可以显示签到码")
    return meeting, checkin_code(meeting)


def valid_code(meeting: Meeting, code: str, at: dt.datetime | None = None) -> bool:
    """The code on screen now, or the one just before it (it may have rotated while scanning)."""
    at = at or timezone.now()
    given = (code or "").strip().lower()
    return any(
        hmac.compare_digest(
            given, checkin_code(meeting, at - dt.timedelta(seconds=CODE_WINDOW * n))
        )
        for n in range(CODE_GRACE + 1)
    )


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
    closes = (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH) + dt.timedelta(hours=1)
    if not opens <= at <= closes:
        raise ValidationError({"code": "不在签到时间内（开始前 1 小时至结束后 1 小时）"})
    with transaction.atomic():
        attendee = _attendee(meeting, person)
        first = (
            Attendee.objects.filter(pk=attendee.pk)
            .exclude(presence=Presence.PRESENT)
            .update(presence=Presence.PRESENT, checked_in_at=at, by_code=True, leave_reason="")
        )
        if first:
            audit.record(user, "life.check_in", meeting, after={"person": person.pk})
    attendee.refresh_from_db()
    return CheckIn(attendee, bool(first))


def _attendee(meeting: Meeting, person: Person) -> Attendee:
    """The person's row, created as 列席 when they were not expected (one row even when two
    requests create it at once: the unique constraint decides)."""
    attendee = meeting.attendees.filter(person=person).first()
    if attendee is not None:
        return attendee
    try:
        with transaction.atomic():
            return Attendee.objects.create(meeting=meeting, person=person, role=Role.GUEST)
    except IntegrityError:
        return meeting.attendees.get(person=person)


# 学时 -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StudyHours:
    hours: float
    meetings: dict[str, int]  # kind → meetings attended that count


def study_hours(person: Person, year: int) -> StudyHours:
    """The 学时 a person earned in ``year`` from finalised 党课 and 主题党日 they attended, by the
    rule ``life.study_hours`` (derived from the attendance record, never entered again)."""
    from django.db.models import Count

    rule = get_rule("life.study_hours")
    counting = [kind for kind in (Kind.PARTY_LECTURE, Kind.THEME_DAY) if kind in rule.params]
    rows = (
        Attendee.objects.filter(
            person=person,
            presence=Presence.PRESENT,
            meeting__status=Status.FINALISED,
            meeting__kind__in=counting,
            meeting__starts_at__year=year,
        )
        .values_list("meeting__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    meetings = dict(rows)
    hours = sum(n * float(rule[kind]) for kind, n in meetings.items())
    return StudyHours(hours, meetings)


# Votes --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    quorate: bool
    passed: bool
    explanation: str


def decide(voting_expected: int, voting_present: int, yes: int) -> Decision:
    """Domain-rules §2 (rule ``life.quorum``): a vote may be taken when the voting members present
    are more than half of those who should attend; a motion passes with yes votes from more than
    half of the voting members who should attend (not of those present)."""
    quorate = voting_present * 2 > voting_expected
    passed = quorate and yes * 2 > voting_expected
    need_present = voting_expected // 2 + 1
    if not quorate:
        text = (
            f"应到会有表决权的党员 {voting_expected} 名，实到 {voting_present} 名，"
            f"未超过半数（至少 {need_present} 名），不能进行表决"
        )
    else:
        text = (
            f"应到会有表决权的党员 {voting_expected} 名，实到 {voting_present} 名；赞成 {yes} 票，"
            f"{'超过' if passed else '未超过'}应到会有表决权党员的半数（至少 {need_present} 票），"
            f"{'通过' if passed else '未通过'}"
        )
    return Decision(quorate, passed, text)


def record_vote(actor, meeting: Meeting, *, motion: str, yes: int, no: int, abstain: int):
    """Record a vote taken at the meeting; the counts of voting members come from attendance."""
    from dangqun.life.models import Vote

    motion = (motion or "").strip()
    errors = {}
    if not motion:
        errors["motion"] = "请填写表决事项"
    elif len(motion) > 200:
        errors["motion"] = "表决事项不能超过 200 个字"
    if any(n is None or n < 0 for n in (yes, no, abstain)):
        errors["yes"] = "票数应为不小于 0 的整数"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_manage(actor, meeting.org)
        _require_open(meeting)
        voters = meeting.attendees.filter(role=Role.MEMBER)
        expected = voters.count()
        present = voters.filter(presence=Presence.PRESENT).count()
        if yes + no + abstain > present:
            raise ValidationError(
                {
                    "yes": f"赞成、反对、弃权合计 {yes + no + abstain} 票，多于实到会有表决权的党员 {present} 名"
                }
            )
        result = decide(expected, present, yes)
        vote = Vote.objects.create(
            meeting=meeting,
            motion=motion,
            yes=yes,
            no=no,
            abstain=abstain,
            voting_expected=expected,
            voting_present=present,
            quorate=result.quorate,
            passed=result.passed,
            recorded_by=actor,
        )
        audit.record(
            actor,
            "life.vote",
            meeting,
            after={
                "motion": motion,
                "yes": yes,
                "no": no,
                "abstain": abstain,
                "passed": vote.passed,
            },
        )
    return vote


# Helpers ------------------------------------------------------------------------------------
def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)


def _require_open(meeting: Meeting) -> None:
    if meeting.status == Status.FINALISED:
        raise ValidationError({"status": "会议记录已定稿，不能修改；如需更正请添加补充说明"})
    if meeting.status == Status.CANCELLED:
        raise ValidationError({"status": "本次组织生活已取消"})


def _check(data: dict) -> dict[str, str]:
    errors = {}
    topic = (data.get("topic") or "").strip()
    if not topic:
        errors["topic"] = "请填写主题"
    elif len(topic) > MAX_TOPIC:
        errors["topic"] = f"主题不能超过 {MAX_TOPIC} 个字"
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts is None:
        errors["starts_at"] = "请填写开始时间"
    elif ends is not None and ends <= starts:
        errors["ends_at"] = "结束时间应晚于开始时间"
    for name in ("agenda", *RECORD):
        if len(data.get(name) or "") > MAX_TEXT:
            errors[name] = f"不能超过 {MAX_TEXT} 个字"
    return errors


def _summary(meeting: Meeting, raw: bool = False) -> dict:
    if raw:
        return {name: getattr(meeting, name) for name in (*EDITABLE, *RECORD)}
    return {
        "kind": meeting.kind,
        "topic": meeting.topic,
        "starts_at": meeting.starts_at,
        "status": meeting.status,
        "org": meeting.org.name,
    }


def org_choices(user) -> QuerySet:
    """Organisations whose meetings the user keeps: branches, groups and union/league units."""
    kinds = (*BRANCH_KINDS, "party_group", "general_branch", "union_branch", "league_branch")
    return Scope.of(user).orgs(MANAGE_LIFE).filter(kind__in=kinds, dissolved_on__isnull=True)
