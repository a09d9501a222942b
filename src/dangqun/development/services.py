"""发展党员: who sees a case and who records what — the one visibility verb (``visible_to``,
``require_visible``), who may record each step (the branch, or the approving 党委 — the nearest
ancestor given that authority), open, manage, approve, export and download, and the choices the
forms offer. The changes are in topic modules, each taking the acting user, checking with these,
refusing with the rules' findings (``checks``) and auditing: ``opening`` (open and close a case),
``recording`` (steps and their documents), ``votes`` (支部大会 votes and assessments) and
``probation`` (the 党委's decisions, extending probation).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from dangqun.accounts.roles import (
    APPROVE_DEVELOPMENT,
    MANAGE_DEVELOPMENT,
    VIEW_DEVELOPMENT,
    VIEW_PEOPLE,
)
from dangqun.accounts.scope import Scope, require
from dangqun.core.ids import parse_id
from dangqun.development.models import Case, CaseFile
from dangqun.development.steps import COMMITTEE, STEPS
from dangqun.life.models import Kind as MeetingKind
from dangqun.life.models import Meeting
from dangqun.life.models import Status as MeetingStatus
from dangqun.orgs.models import BRANCH_KINDS, Org, System
from dangqun.people.models import Person

MAX_TEXT = 5000
FOLDER = "development"  # where case files are stored
CAPABILITIES = (VIEW_DEVELOPMENT, MANAGE_DEVELOPMENT, APPROVE_DEVELOPMENT)


# Who sees -----------------------------------------------------------------------------------
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


def is_staff(user, case: Case) -> bool:
    """Whether the user sees the case as party work (the branch's or a 党委's), not as the
    applicant: assessments, the 政审 conclusion, votes and documents are theirs to see."""
    scope = Scope.of(user)
    return any(scope.can(c, case.branch) for c in CAPABILITIES)


def require_case_file(user, case: Case, file_pk: int) -> CaseFile:
    """A document of a case the user sees as party work, or 404."""
    row = CaseFile.objects.filter(pk=file_pk, case=case).first() if is_staff(user, case) else None
    if row is None:
        raise Http404("材料不存在或无权查看")
    return row


# The board and the plan ---------------------------------------------------------------------
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
    pk = parse_id(wanted)
    org = orgs.filter(pk=pk).first() if pk else None
    if org is None and wanted:
        raise Http404("组织不存在或无权查看")
    org = org or orgs.order_by("depth", "path").first()
    if org is None:
        raise Http404("您的权限范围内没有党组织")
    return org


# Who opens and records ----------------------------------------------------------------------
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


def may_manage(user, case: Case) -> bool:
    """Whether the user keeps the case for its branch (extends probation, closes it)."""
    return Scope.of(user).can(MANAGE_DEVELOPMENT, case.branch)


def may_approve(user, case: Case) -> bool:
    """Whether the user acts for the 党委 that approves the case's branch's new members."""
    approver = approving_org(case.branch)
    return approver is not None and Scope.of(user).can(APPROVE_DEVELOPMENT, approver)


def may_work_on(user, case: Case) -> bool:
    """Whether the user records some of the case's steps (for the branch or the 党委); which
    ones is ``recorder``'s answer."""
    return may_manage(user, case) or may_approve(user, case)


def may_export(user, case: Case) -> bool:
    """The dossier is a copy of every document: for those who keep or approve cases."""
    scope = Scope.of(user)
    return scope.can(MANAGE_DEVELOPMENT, case.branch) or scope.can(APPROVE_DEVELOPMENT, case.branch)


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


def require_record(actor, case: Case, number: int) -> None:
    step = STEPS[number]
    if step.by == COMMITTEE and approving_org(case.branch) is None:
        raise ValidationError(
            "该党支部的上级党组织中没有具有审批发展党员权限的党委，请由上级党组织在组织设置中授予"
        )
    who = "审批党委" if step.by == COMMITTEE else "党支部"
    require(can_record(actor, case, number), f"“{step.name}”应由{who}办理，您无权办理")
    require_not_self(actor, case.person)


def require_not_self(actor, person: Person) -> None:
    require(not Scope.of(actor).is_self(person), "不能办理本人的发展党员事项")


# What the forms offer -----------------------------------------------------------------------
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
