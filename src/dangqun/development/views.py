"""Pages of 发展党员: the pipeline board of a branch or 党委, a new case, and a case's timeline of
the 25 steps with the form of each step the user may record next (and the rules that would refuse
it, shown before anyone tries)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangqun.accounts.roles import (
    APPROVE_DEVELOPMENT,
    MANAGE_DEVELOPMENT,
    VIEW_DEVELOPMENT,
    VIEW_PEOPLE,
)
from dangqun.accounts.scope import Scope, require
from dangqun.core.forms import add_errors
from dangqun.development import checks, forms, services
from dangqun.development.board import board
from dangqun.development.models import Status
from dangqun.development.steps import ASSESSED, STAGES, STEPS, VOTES
from dangqun.orgs.models import BRANCH_KINDS, Org, System
from dangqun.people.models import Person
from dangqun.web.htmx import render_page

CAPABILITIES = (VIEW_DEVELOPMENT, MANAGE_DEVELOPMENT, APPROVE_DEVELOPMENT)


def _scope_orgs(user):
    scope = Scope.of(user)
    orgs = Org.objects.none()
    for capability in CAPABILITIES:
        orgs = orgs | scope.orgs(capability)
    return orgs.filter(system=System.PARTY, dissolved_on__isnull=True)


@login_required
def board_page(request):
    scope = Scope.of(request.user)
    require(any(scope.has(c) for c in CAPABILITIES), "您没有查看发展党员工作的权限")
    org = _chosen_org(request)
    today = timezone.localdate()
    orgs = _scope_orgs(request.user)
    context = {
        "board": board(services.visible_to(request.user), org, today),
        "today": today,
        "children": orgs.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path"),
        "can_open": scope.has(MANAGE_DEVELOPMENT),
    }
    return render_page(request, "development/board.html", context)


@login_required
def plan_page(request):
    """A 党委's plan for the year against the people admitted and those in the pipeline."""
    from dangqun.development import plans

    scope = Scope.of(request.user)
    require(any(scope.has(c) for c in CAPABILITIES), "您没有查看发展党员工作的权限")
    org = _chosen_org(request)
    today = timezone.localdate()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= today.year + 1 else today.year
    may_set = scope.can(APPROVE_DEVELOPMENT, org)
    form = forms.QuotaForm(request.POST or None) if may_set else None
    if request.method == "POST":
        require(may_set, "您无权制定该党组织的发展计划")
        if form.is_valid():
            try:
                plans.set_quota(request.user, org, year, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"已保存 {year} 年发展计划")
                return redirect(f"{request.path}?org={org.pk}&year={year}")
    total, rows = plans.plan(services.visible_to(request.user), org, year)
    context = {
        "org": org,
        "year": year,
        "years": range(today.year + 1, today.year - 5, -1),
        "total": total,
        "rows": rows,
        "form": form,
    }
    return render_page(
        request, "development/plan.html", context, status=422 if form and form.errors else 200
    )


def _chosen_org(request) -> Org:
    orgs = _scope_orgs(request.user)
    wanted = request.GET.get("org", "")
    org = orgs.filter(pk=wanted).first() if wanted.isdigit() else None
    if org is None and wanted:
        raise Http404("组织不存在或无权查看")
    org = org or orgs.order_by("depth", "path").first()
    if org is None:
        raise Http404("您的权限范围内没有党组织")
    return org


@login_required
def new(request):
    scope = Scope.of(request.user)
    require(scope.has(MANAGE_DEVELOPMENT), "您无权办理发展党员")
    branches = scope.orgs(MANAGE_DEVELOPMENT).filter(
        kind__in=BRANCH_KINDS, dissolved_on__isnull=True
    )
    people = scope.people(VIEW_PEOPLE)
    form = forms.OpenForm(request.POST or None, branches=branches, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                request.user, data["employee_no"], data["branch"], data["applied_on"], data["note"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已登记入党申请")
            return redirect("development:detail", pk=case.pk)
    status = 422 if form.errors else 200
    return render_page(request, "development/new.html", {"form": form}, status=status)


@login_required
def detail(request, pk: int):
    case = services.require_visible(request.user, pk)
    return _detail(request, case)


def _detail(request, case, *, bound: dict | None = None, status: int = 200):
    user, today = request.user, timezone.localdate()
    facts = checks.Facts.of(case)
    members = _full_members(case)
    staff = _is_staff(user, case)  # the applicant sees the steps and dates, not the file
    bound = bound or {}
    may_record = services.recorder(user, case)
    files = {}
    for row in case.files.all() if staff else []:
        files.setdefault(row.step, []).append(row)
    steps = []
    for number, step in STEPS.items():
        record = facts.records.get(number)
        ready = record is None and case.is_open and step.after <= set(facts.records)
        ready = ready or (number == 25 and record is None and case.status == Status.FULL)
        may = ready and may_record(number)
        form = None
        if may and number not in VOTES and number not in ASSESSED:
            form = bound.get(number) or forms.StepForm(number=number, members=members)
        blocked = []
        if may and number in (7, 12, 15):
            blocked = [checks.message(f) for f in checks.refusals(facts, number, today, {})]
        steps.append(
            {
                "step": step,
                "record": record,
                "files": files.get(number, []),
                "files_form": record
                and may_record(number)
                and (bound.get(f"files-{number}") or forms.FilesForm(prefix=f"f{number}")),
                "publicity": record and checks.publicity_ends(facts, number),
                "ready": ready,
                "may": may,
                "form": form,
                "blocked": blocked,
                "rule": step.rule and _rule(step.rule),
            }
        )
    vote_step = next(
        (s["step"].number for s in steps if s["may"] and s["step"].number in VOTES), None
    )
    assess_step = 21 if case.status == Status.PROBATIONARY else 6
    may_assess = (
        case.is_open
        and may_record(assess_step)
        and (assess_step == 21 or 12 not in facts.records)
        and STEPS[assess_step].after <= set(facts.records)
    )
    may_manage = Scope.of(user).can(MANAGE_DEVELOPMENT, case.branch)
    context = {
        "case": case,
        "stages": [
            (stage, name, [s for s in steps if s["step"].stage == stage])
            for stage, name in STAGES.items()
        ],
        "deadlines": checks.deadlines(facts),
        "today": today,
        "probation_ends": checks.probation_ends(case),
        "helpers": facts.helpers,
        "assessments": facts.assessments if staff else [],
        "votes": list(case.votes.all()) if staff else [],
        "vote_step": vote_step,
        "vote_form": bound.get("vote") or forms.VoteForm(meetings=_general_meetings(case)),
        "vote_rule": _rule("development.branch_vote"),
        "may_assess": may_assess,
        "assess_form": bound.get("assess") or forms.AssessForm(),
        "may_extend": may_manage and case.status == Status.PROBATIONARY,
        "extend_form": bound.get("extend") or forms.ExtendForm(),
        "extension_rule": _rule("development.extension"),
        "may_close": may_manage and case.is_open,
        "may_export": _may_export(user, case),
        "staff": staff,
        "close_form": bound.get("close") or forms.CloseForm(),
    }
    return render_page(request, "development/case.html", context, status=status)


def _general_meetings(case):
    """The branch's 支部党员大会 that were held, newest first, to take a vote's counts from."""
    from dangqun.life.models import Kind, Meeting
    from dangqun.life.models import Status as MeetingStatus

    return Meeting.objects.filter(
        org=case.branch,
        kind=Kind.GENERAL_MEETING,
        status__in=(MeetingStatus.HELD, MeetingStatus.FINALISED),
    ).order_by("-starts_at")


def _full_members(case):
    """Who may be chosen as 培养联系人 or 入党介绍人: the branch's full members now (the rule
    checks the day of the step)."""
    return Person.objects.filter(
        party_profile__branch=case.branch,
        party_profile__full_member_on__isnull=False,
        party_profile__left_on__isnull=True,
    ).order_by("employee_no")


def _is_staff(user, case) -> bool:
    """Whether the user sees the case as party work (the branch's or a 党委's), not as the
    applicant: assessments, the 政审 conclusion, votes and documents are theirs to see."""
    scope = Scope.of(user)
    return any(scope.can(c, case.branch) for c in CAPABILITIES)


def _may_export(user, case) -> bool:
    """The dossier is a copy of every document: for those who keep or approve cases."""
    scope = Scope.of(user)
    return scope.can(MANAGE_DEVELOPMENT, case.branch) or scope.can(APPROVE_DEVELOPMENT, case.branch)


@login_required
def case_file(request, pk: int, file_pk: int):
    """A document of a case the user may see, as a download."""
    from django.shortcuts import get_object_or_404

    from dangqun.core import filestore
    from dangqun.development.models import CaseFile

    case = services.require_visible(request.user, pk)
    if not _is_staff(request.user, case):
        raise Http404("材料不存在或无权查看")
    return filestore.download(get_object_or_404(CaseFile, pk=file_pk, case=case))


@login_required
def dossier(request, pk: int):
    """The case's documents and an index PDF in one zip, for the archive (audited)."""
    from django.db import transaction
    from django.http import FileResponse

    from dangqun.core import audit
    from dangqun.development import dossier as dossiers

    case = services.require_visible(request.user, pk)
    require(_may_export(request.user, case), "您无权导出该发展党员材料")
    bundle = dossiers.build(case)
    with transaction.atomic():
        audit.record(request.user, "development.dossier", case, after={"files": case.files.count()})
    response = FileResponse(
        bundle, as_attachment=True, filename=f"{case.person.name}发展党员材料.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _rule(rule_id: str):
    from dangqun.core.rules import get_rule

    return get_rule(rule_id)


@login_required
@require_POST
def act(request, pk: int, action: str):
    """The case's forms: ``step`` (with ``number``), ``vote``, ``assess``, ``extend``, ``close``."""
    case = services.require_visible(request.user, pk)
    user, post = request.user, request.POST
    if action == "step":
        number = int(post.get("number", 0)) if post.get("number", "").isdigit() else 0
        if number not in STEPS or number in VOTES or number in ASSESSED or number == 1:
            return HttpResponse("没有这个步骤", status=404)
        members = _full_members(case)
        form = forms.StepForm(post, request.FILES, number=number, members=members)
        key = number

        def run(data):
            return services.record_step(user, case, number, data.pop("on"), data)

        done = f"已办理：{STEPS[number].name}"
    elif action == "vote":
        form, key = forms.VoteForm(post, meetings=_general_meetings(case)), "vote"
        number = int(post.get("step", 0)) if post.get("step", "").isdigit() else 0

        def run(data):
            return services.record_vote(user, case, number, **data)

        done = "已记录支部大会表决结果"
    elif action == "files":
        number = int(post.get("number", 0)) if post.get("number", "").isdigit() else 0
        if number not in STEPS:
            return HttpResponse("没有这个步骤", status=404)
        form, key = forms.FilesForm(post, request.FILES, prefix=f"f{number}"), f"files-{number}"

        def run(data):
            return services.add_files(user, case, number, data["files"])

        done = f"已上传“{STEPS[number].name}”的材料"
    elif action in ("assess", "extend", "close"):
        form_class = {"assess": forms.AssessForm, "extend": forms.ExtendForm}.get(
            action, forms.CloseForm
        )
        form, key = form_class(post), action
        service = {
            "assess": services.assess,
            "extend": services.extend_probation,
            "close": services.close,
        }[action]

        def run(data):
            return service(user, case, **data)

        done = {"assess": "已记录考察意见", "extend": "已延长预备期", "close": "已终止"}[action]
    else:
        return HttpResponse("没有这个操作", status=404)
    if form.is_valid():
        try:
            run(dict(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("development:detail", pk=case.pk)
    return _detail(request, case, bound={key: form}, status=422)
