"""发展党员 services: open a case, record its steps, votes and assessments, extend probation, close.

Every change takes the acting user, checks who may record the step (the branch, or the approving
党委 — the nearest ancestor given that authority), refuses with the rules' findings (``checks``),
writes the step and its audit row in one transaction, and keeps the case's stage and next deadline
for the board. Admission and 转正 update the person's party profile in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangqun.accounts.roles import (
    APPROVE_DEVELOPMENT,
    MANAGE_DEVELOPMENT,
    VIEW_DEVELOPMENT,
    VIEW_PEOPLE,
)
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit, filestore
from dangqun.core.rules import Finding
from dangqun.development import checks
from dangqun.development.models import (
    Assessment,
    BranchVote,
    Case,
    CaseFile,
    Helper,
    Status,
    StepRecord,
)
from dangqun.development.steps import ADMITTED, APPROVALS, COMMITTEE, CONFIRMED, STEPS, VOTES
from dangqun.life.models import Kind as MeetingKind
from dangqun.life.models import Meeting, Presence, Role
from dangqun.life.models import Status as MeetingStatus
from dangqun.life.voting import decide
from dangqun.orgs.models import BRANCH_KINDS, Org, System
from dangqun.people import services as people
from dangqun.people.models import Person

MAX_TEXT = 5000
FOLDER = "development"  # where case files are stored
HELPER_STEPS = {5: Helper.Role.CONTACT, 9: Helper.Role.INTRODUCER}
FILED_ABOVE = 18  # 再上一级党委组织部门备案
CAPABILITIES = (VIEW_DEVELOPMENT, MANAGE_DEVELOPMENT, APPROVE_DEVELOPMENT)


# Who sees and who records -------------------------------------------------------------------
def visible_to(user) -> QuerySet:
    """Cases of the branches in the user's 发展党员 scope, and the user's own: one prefix match
    per granted sub-tree (a branch is a party organisation, so the enterprise units a grant also
    covers never match and are left out of the SQL)."""
    scope = Scope.of(user)
    query = Q(person_id=scope.person_id) if scope.person_id else Q(pk__in=[])
    paths = sorted(
        {path for capability in CAPABILITIES for path in scope.covered_paths(capability)},
        key=len,
    )
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
            query |= Q(branch__path__startswith=path)
    return Case.objects.filter(query)


def require_visible(user, pk: int) -> Case:
    case = visible_to(user).select_related("person", "branch").filter(pk=pk).first()
    if case is None:
        raise Http404("发展党员记录不存在或无权查看")
    return case


def party_orgs(user) -> QuerySet:
    """The active party organisations whose 发展党员 work the user may look at (the board's and
    the plan's choices)."""
    scope = Scope.of(user)
    orgs = Org.objects.none()
    for capability in CAPABILITIES:
        orgs = orgs | scope.orgs(capability)
    return orgs.filter(system=System.PARTY, dissolved_on__isnull=True)


def may_view_work(user) -> bool:
    """Whether the user has any part in 发展党员 work (the board and the plan)."""
    scope = Scope.of(user)
    return any(scope.has(c) for c in CAPABILITIES)


def chosen_org(user, wanted: str) -> Org:
    """The organisation asked for (``wanted``: its id, or empty for the top one in scope)."""
    orgs = party_orgs(user)
    org = orgs.filter(pk=wanted).first() if wanted.isdigit() else None
    if org is None and wanted:
        raise Http404("组织不存在或无权查看")
    org = org or orgs.order_by("depth", "path").first()
    if org is None:
        raise Http404("您的权限范围内没有党组织")
    return org


def may_open(user) -> bool:
    return Scope.of(user).has(MANAGE_DEVELOPMENT)


def branches_to_open(user) -> QuerySet:
    """The branches where the user may register an application."""
    return (
        Scope.of(user)
        .orgs(MANAGE_DEVELOPMENT)
        .filter(kind__in=BRANCH_KINDS, dissolved_on__isnull=True)
    )


def applicants(user) -> QuerySet:
    """The people whose application the user may register."""
    return Scope.of(user).people(VIEW_PEOPLE)


def is_staff(user, case: Case) -> bool:
    """Whether the user sees the case as party work (the branch's or a 党委's), not as the
    applicant: assessments, the 政审 conclusion, votes and documents are theirs to see."""
    scope = Scope.of(user)
    return any(scope.can(c, case.branch) for c in CAPABILITIES)


def may_manage(user, case: Case) -> bool:
    """Whether the user keeps the case for its branch (extends probation, closes it)."""
    return Scope.of(user).can(MANAGE_DEVELOPMENT, case.branch)


def may_approve(user, case: Case) -> bool:
    """Whether the user acts for the 党委 that approves the case's branch's new members."""
    approver = approving_org(case.branch)
    return approver is not None and Scope.of(user).can(APPROVE_DEVELOPMENT, approver)


def may_export(user, case: Case) -> bool:
    """The dossier is a copy of every document: for those who keep or approve cases."""
    scope = Scope.of(user)
    return scope.can(MANAGE_DEVELOPMENT, case.branch) or scope.can(APPROVE_DEVELOPMENT, case.branch)


def require_case_file(user, case: Case, file_pk: int) -> CaseFile:
    """A document of a case the user sees as party work, or 404."""
    row = CaseFile.objects.filter(pk=file_pk, case=case).first() if is_staff(user, case) else None
    if row is None:
        raise Http404("材料不存在或无权查看")
    return row


def general_meetings(case: Case) -> QuerySet:
    """The branch's 支部党员大会 that were held, newest first, to take a vote's counts from."""
    return Meeting.objects.filter(
        org=case.branch,
        kind=MeetingKind.GENERAL_MEETING,
        status__in=(MeetingStatus.HELD, MeetingStatus.FINALISED),
    ).order_by("-starts_at")


def full_members(case: Case) -> QuerySet:
    """Who may be chosen as 培养联系人 or 入党介绍人: the branch's full members now (the rule
    checks the day of the step)."""
    return Person.objects.filter(
        party_profile__branch=case.branch,
        party_profile__full_member_on__isnull=False,
        party_profile__left_on__isnull=True,
    ).order_by("employee_no")


def approving_org(branch: Org) -> Org | None:
    """The nearest active ancestor given the authority to approve new members."""
    return (
        Org.objects.filter(
            path__in=branch.ancestor_paths(), approves_members=True, dissolved_on__isnull=True
        )
        .order_by("-depth")
        .first()
    )


def can_record(user, case: Case, number: int) -> bool:
    return recorder(user, case)(number)


def recorder(user, case: Case):
    """``may(number)``: whether the user may record that step of the case (the approving 党委 is
    looked up once, for pages that ask about every step)."""
    scope = Scope.of(user)
    branch = scope.can(MANAGE_DEVELOPMENT, case.branch)
    approver = approving_org(case.branch)
    committee = approver is not None and scope.can(APPROVE_DEVELOPMENT, approver)
    return lambda number: committee if STEPS[number].by == COMMITTEE else branch


def _require_record(actor, case: Case, number: int) -> None:
    step = STEPS[number]
    if step.by == COMMITTEE and approving_org(case.branch) is None:
        raise ValidationError(
            "该党支部的上级党组织中没有具有审批发展党员权限的党委，请由上级党组织在组织设置中授予"
        )
    who = "审批党委" if step.by == COMMITTEE else "党支部"
    require(can_record(actor, case, number), f"“{step.name}”应由{who}办理，您无权办理")
    _require_not_self(actor, case.person)


def _require_not_self(actor, person: Person) -> None:
    require(not Scope.of(actor).is_self(person), "不能办理本人的发展党员事项")


def _check_date(case: Case, on: dt.date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "日期不能晚于今天"})
    if on < case.applied_on:
        raise ValidationError({field: f"日期不能早于递交入党申请书的日期 {case.applied_on}"})


def _refuse(findings: list[Finding]) -> None:
    if findings:
        raise ValidationError([checks.message(f) for f in findings])


# Opening a case -----------------------------------------------------------------------------
def open_case(actor, person: Person, branch: Org, applied_on: dt.date, note: str = "") -> Case:
    """Step ① 递交入党申请书: the case of ``person`` in ``branch``."""
    require(Scope.of(actor).can(MANAGE_DEVELOPMENT, branch), "您无权在该党支部办理发展党员")
    if branch.kind not in BRANCH_KINDS or not branch.is_active:
        raise ValidationError({"branch": "请选择一个现有的党支部"})
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": "日期不能晚于今天"})
    _require_not_self(actor, person)
    _refuse(checks.can_apply(person, applied_on))
    if not _works_in(person, branch):
        raise ValidationError(
            {"branch": f"{person.name}不在该党支部所在单位，请在其所在单位的党支部登记"}
        )
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if Case.objects.filter(person=person, status__in=(Status.ACTIVE, Status.PROBATIONARY)):
            raise ValidationError(f"{person.name}已有正在办理的发展党员记录")
        case = Case.objects.create(person=person, branch=branch, applied_on=applied_on)
        StepRecord.objects.create(
            case=case, number=1, done_on=applied_on, org=branch, actor=actor, note=note.strip()
        )
        _keep_due(case)
        audit.record(actor, "development.open", case, after=_summary(case))
    return case


def _works_in(person: Person, branch: Org) -> bool:
    """Whether the person works in a unit the branch covers (its unit, the units a joint branch
    covers, or any unit under them)."""
    units = [branch.unit_id, *branch.covered_units.values_list("pk", flat=True)]
    paths = list(Org.objects.filter(pk__in=[u for u in units if u]).values_list("path", flat=True))
    unit = person.unit
    return unit is not None and any(unit.path.startswith(path) for path in paths)


# Steps --------------------------------------------------------------------------------------
def record_step(actor, case: Case, number: int, on: dt.date, data: dict | None = None) -> Case:
    """Record step ``number`` done on ``on``. ``data`` carries what the step decides:
    ``people`` (培养联系人, 入党介绍人), ``conclusion`` and ``qualified`` (政审), ``days`` and
    ``hours`` (集中培训), ``approved`` (审批), and a ``note``. Votes go through ``record_vote``."""
    data = dict(data or {})
    files = data.pop("files", None) or []
    if number not in STEPS or number == 1:
        raise ValidationError("没有这个步骤")
    if number in VOTES:
        raise ValidationError("请录入支部大会的表决结果")
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    note = (data.pop("note", "") or "").strip()
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": f"情况说明不能超过 {MAX_TEXT} 个字"})
    _require_record(actor, case, number)  # before anything is written; again under the lock
    stored = filestore.store(files, FOLDER)
    with transaction.atomic():
        case = _locked(case)
        _require_record(actor, case, number)
        facts = checks.Facts.of(case)
        _refuse(checks.refusals(facts, number, on, data))
        details = _details(number, data)
        _file_rows(actor, case, number, stored)
        org = _acting_org(case, number)
        StepRecord.objects.create(
            case=case, number=number, done_on=on, org=org, actor=actor, note=note, details=details
        )
        if number in HELPER_STEPS:
            Helper.objects.bulk_create(
                Helper(case=case, person=p, role=HELPER_STEPS[number], since=on)
                for p in data["people"]
            )
        case.step = max(case.step, number)
        if number in APPROVALS:
            _decide(actor, case, number, on, details["approved"])
        _keep_due(case)
        audit.record(
            actor,
            "development.step",
            case,
            after={"step": number, "on": on, **details, "note": note, "files": _names(stored)},
        )
    return case


def add_files(actor, case: Case, number: int, files) -> list[CaseFile]:
    """Documents of a step already done (a talk record, the 入党志愿书…), by whoever may record
    that step. Nothing is removed: the dossier keeps what was filed."""
    if not files:
        raise ValidationError({"files": "请选择文件"})
    _require_record(actor, case, number)
    stored = filestore.store(list(files), FOLDER)
    with transaction.atomic():
        case = _locked(case)
        if not StepRecord.objects.filter(case=case, number=number).exists():
            raise ValidationError({"files": f"“{STEPS[number].name}”尚未办理"})
        rows = _file_rows(actor, case, number, stored)
        audit.record(
            actor, "development.files", case, after={"step": number, "files": _names(stored)}
        )
    return rows


def sweep_orphan_files(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete stored case files no row names (left by a transaction that failed)."""
    known = set(CaseFile.objects.values_list("file", flat=True))
    return filestore.sweep_orphans(FOLDER, known, older_than)


def _file_rows(actor, case: Case, number: int, stored) -> list[CaseFile]:
    return CaseFile.objects.bulk_create(
        CaseFile(case=case, step=number, uploaded_by=actor, **f.fields) for f in stored
    )


def _names(stored) -> list[str]:
    return [f.name for f in stored]


def _details(number: int, data: dict) -> dict:
    if number in HELPER_STEPS:
        return {"people": [p.name for p in data.get("people") or []]}
    if number == 10:
        return {"conclusion": data["conclusion"].strip(), "qualified": bool(data.get("qualified"))}
    if number == 11:
        days, hours = data.get("days") or 0, data.get("hours") or 0
        if days < 0 or hours < 0 or (not days and not hours):
            raise ValidationError({"days": "请填写集中培训的天数或学时"})
        return {"days": days, "hours": hours}
    if number in APPROVALS:
        if data.get("approved") is None:
            raise ValidationError({"approved": "请选择审批结果"})
        return {"approved": bool(data["approved"])}
    return {}


def _decide(actor, case: Case, number: int, on: dt.date, approved: bool) -> None:
    """The approving 党委's decision: admission makes the person a 预备党员 (joined on the day
    of the 支部大会), 转正 a full member (from the end of probation); refusing admission ends the
    case, refusing 转正 also cancels the 预备党员资格."""
    if number == ADMITTED and approved:
        case.status = Status.PROBATIONARY
        people.admit_probationary(actor, case.person, case.branch, case.admitted_on)
    elif number == CONFIRMED and approved:
        case.status = Status.FULL
        people.confirm_full_member(actor, case.person, checks.probation_ends(case))
    else:
        reason = "上级党委未批准接收" if number == ADMITTED else "上级党委未批准转正"
        _end(actor, case, on, reason)


def _end(actor, case: Case, on: dt.date, reason: str) -> None:
    if case.status == Status.PROBATIONARY:
        people.cancel_probation(actor, case.person, on, reason)
    case.status, case.closed_on, case.closed_reason = Status.CLOSED, on, reason[:200]


# Votes, assessments, extension, closing -----------------------------------------------------
def record_vote(
    actor,
    case: Case,
    step: int,
    *,
    held_on: dt.date | None = None,
    expected: int | None = None,
    present: int | None = None,
    written: int,
    yes: int,
    no: int,
    abstain: int,
    meeting=None,
) -> BranchVote:
    """The 支部大会's vote on the case (step ⑮ admission, ㉓ 转正), counted by the rule
    ``development.branch_vote``. Passing records the step; a vote that fails is kept too.

    With ``meeting`` (the branch's 支部党员大会 recorded in 组织生活) the date and the voting
    members expected and present come from its attendance list: entered once, not twice."""
    if step not in VOTES:
        raise ValidationError("没有这个表决步骤")
    if meeting is not None:
        held_on, expected, present = _from_meeting(case, meeting)
    missing = {
        name: f"请填写{label}"
        for name, label, value in (
            ("held_on", "支部大会日期", held_on),
            ("expected", "应到会有表决权的党员人数", expected),
            ("present", "实到会有表决权的党员人数", present),
        )
        if value is None
    }
    if missing:
        raise ValidationError(missing)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "日期不能晚于今天"})
    if min(expected, present, written, yes, no, abstain) < 0:
        raise ValidationError("人数和票数不能为负数")
    if present > expected:
        raise ValidationError({"present": "实到人数不能多于应到人数"})
    if present + written > expected:
        raise ValidationError({"written": "实到人数加书面意见不能多于应到人数"})
    if yes + no + abstain > present + written:
        raise ValidationError({"yes": "票数之和不能多于实到人数加书面意见"})
    with transaction.atomic():
        case = _locked(case)
        _require_record(actor, case, step)
        _refuse(checks.refusals(checks.Facts.of(case), step, held_on, {}))
        last = case.votes.filter(step=step).order_by("-held_on").first()
        if last and held_on < last.held_on:
            raise ValidationError({"held_on": f"日期不能早于上一次表决的日期 {last.held_on}"})
        decision = decide(expected, present, yes)
        vote = BranchVote.objects.create(
            case=case,
            step=step,
            held_on=held_on,
            meeting=meeting,
            voting_expected=expected,
            voting_present=present,
            written=written,
            yes=yes,
            no=no,
            abstain=abstain,
            quorate=decision.quorate,
            passed=decision.passed,
            actor=actor,
        )
        if decision.passed:
            StepRecord.objects.create(
                case=case,
                number=step,
                done_on=held_on,
                org=case.branch,
                actor=actor,
                note=decision.explanation,
                details={"vote": vote.pk},
            )
            case.step = max(case.step, step)
            if step == 15:
                case.admitted_on = held_on  # the probation counts from here
        _keep_due(case)
        audit.record(
            actor,
            "development.vote",
            case,
            after={"step": step, "held_on": held_on, "yes": yes, "passed": decision.passed},
        )
    return vote


def _from_meeting(case: Case, meeting) -> tuple[dt.date, int, int]:
    """The date, and the full members expected and present, of a 支部党员大会 of the case's
    branch that has been held (only full members vote)."""
    held = meeting.status in (MeetingStatus.HELD, MeetingStatus.FINALISED)
    if meeting.org_id != case.branch_id or meeting.kind != MeetingKind.GENERAL_MEETING or not held:
        raise ValidationError({"meeting": "请选择本支部已召开的支部党员大会"})
    voters = meeting.attendees.filter(role=Role.MEMBER)
    present = voters.filter(presence=Presence.PRESENT).count()
    return timezone.localtime(meeting.starts_at).date(), voters.count(), present


def assess(actor, case: Case, on: dt.date, text: str) -> Assessment:
    """A half-yearly assessment (rule ``development.assessment``): of an 积极分子 or 发展对象
    (step ⑥, whose first assessment records the step), or of a 预备党员 (step ㉑)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写考察意见"})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"考察意见不能超过 {MAX_TEXT} 个字"})
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    with transaction.atomic():
        case = _locked(case)
        if not case.is_open:
            raise ValidationError("该发展党员记录已终止或已完成")
        step = 21 if case.status == Status.PROBATIONARY else 6
        _require_record(actor, case, step)
        facts = checks.Facts.of(case)
        since = facts.done_on(3 if step == 6 else ADMITTED)
        if since and on < since:
            what = "确定为入党积极分子" if step == 6 else "批准为预备党员"
            raise ValidationError({"on": f"考察日期不能早于{what}的日期 {since}"})
        if step not in facts.records:
            _refuse(checks.refusals(facts, step, on, {}))
            StepRecord.objects.create(
                case=case, number=step, done_on=on, org=case.branch, actor=actor
            )
            case.step = max(case.step, step)
        elif step == 6 and 12 in facts.records:
            raise ValidationError("已进入接收预备党员阶段，不再进行积极分子考察")
        assessment = Assessment.objects.create(
            case=case, step=step, done_on=on, text=text, actor=actor
        )
        _keep_due(case)
        audit.record(actor, "development.assess", case, after={"step": step, "on": on})
    return assessment


def extend_probation(actor, case: Case, months: int, on: dt.date, reason: str) -> Case:
    """Extend probation once, by 6 to 12 months (rule ``development.extension``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明延长预备期的原因"})
    with transaction.atomic():
        case = _locked(case)
        _require_record(actor, case, 23)
        _check_date(case, on, "on")
        _refuse(checks.extension_refusals(checks.Facts.of(case), months, on))
        before = checks.probation_ends(case)
        case.extension_months = months
        _keep_due(case)
        audit.record(
            actor,
            "development.extend",
            case,
            before={"probation_ends": before},
            after={"probation_ends": checks.probation_ends(case), "on": on, "reason": reason},
        )
    return case


def close(actor, case: Case, on: dt.date, reason: str) -> Case:
    """End a case (the applicant withdrew, left, or the 预备资格 was cancelled)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明终止的原因"})
    with transaction.atomic():
        case = _locked(case)
        require(Scope.of(actor).can(MANAGE_DEVELOPMENT, case.branch), "您无权终止该发展党员记录")
        _require_not_self(actor, case.person)
        if not case.is_open:
            raise ValidationError("该发展党员记录已终止或已完成")
        _check_date(case, on, "on")
        _end(actor, case, on, reason)
        _keep_due(case)
        audit.record(actor, "development.close", case, after={"on": on, "reason": reason})
    return case


# Helpers ------------------------------------------------------------------------------------
def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "branch")
        .get(pk=case.pk)
    )


def _acting_org(case: Case, number: int) -> Org:
    """The branch, the approving 党委, or for step ⑱ the level above it (再上一级党委组织部门备案,
    filed there by the approving 党委)."""
    if STEPS[number].by != COMMITTEE:
        return case.branch
    approver = approving_org(case.branch)
    if number == FILED_ABOVE:
        above = Org.objects.filter(path__in=approver.ancestor_paths()).order_by("-depth").first()
        return above or approver
    return approver


def _keep_due(case: Case) -> None:
    """Store the nearest open deadline for the board, and save the case."""
    due = checks.deadlines(checks.Facts.of(case))
    case.next_due_on = due[0].due_on if due else None
    case.next_due = due[0].what if due else ""
    case.save()


def _summary(case: Case) -> dict:
    return {
        "person": case.person.name,
        "branch": case.branch.name,
        "applied_on": case.applied_on,
        "status": case.status,
    }
