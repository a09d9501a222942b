"""Pages of 发展党员: the pipeline board of a branch or 党委, a new case, and a case's timeline of
the 25 steps with the form of each step the user may record next (and the rules that would refuse
it, shown before anyone tries)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import require
from dangqun.core import actions as core_actions
from dangqun.core import filestore
from dangqun.core.rules import get_rule
from dangqun.development import actions, checks, forms, plans, services
from dangqun.development import dossier as dossiers
from dangqun.development import timeline as timelines
from dangqun.development.board import board
from dangqun.development.steps import STAGES
from dangqun.web.htmx import render_page

NO_WORK = "您没有查看发展党员工作的权限"


@login_required
def board_page(request):
    require(services.may_view_work(request.user), NO_WORK)
    org = services.chosen_org(request.user, request.GET.get("org", ""))
    today = timezone.localdate()
    orgs = services.party_orgs(request.user)
    context = {
        "board": board(services.visible_to(request.user), org, today),
        "today": today,
        "children": orgs.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path"),
        "can_open": services.may_open(request.user),
    }
    return render_page(request, "development/board.html", context)


@login_required
def plan_page(request):
    """A 党委's plan for the year against the people admitted and those in the pipeline."""
    require(services.may_view_work(request.user), NO_WORK)
    org = services.chosen_org(request.user, request.GET.get("org", ""))
    today = timezone.localdate()
    year = plans.year_in(request.GET.get("year", ""), today)
    planned = actions.PlanYear(org, year)
    may_set = core_actions.may(actions.PLAN, request.user, planned, "quota")
    form = forms.QuotaForm() if may_set else None
    if request.method == "POST":
        outcome = core_actions.run(actions.PLAN, request.user, planned, "quota", request.POST)
        if outcome.ok:
            messages.success(request, f"已保存 {year} 年发展计划")
            return redirect(f"{request.path}?org={org.pk}&year={year}")
        form = outcome.form
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


@login_required
def new(request):
    user = request.user
    require(services.may_open(user), actions.OPEN["open"].refused)
    form = core_actions.build_form(actions.OPEN["open"], user, None)
    if request.method == "POST":
        outcome = core_actions.run(actions.OPEN, user, None, "open", request.POST)
        if outcome.ok:
            messages.success(request, actions.OPEN["open"].done)
            return redirect("development:detail", pk=outcome.result.pk)
        form = outcome.form
    status = 422 if form.errors else 200
    return render_page(request, "development/new.html", {"form": form}, status=status)


@login_required
def detail(request, pk: int):
    case = services.require_visible(request.user, pk)
    return _detail(request, case)


def _detail(request, case, *, bound: dict | None = None, status: int = 200):
    """The timeline with a form for each step the user may record (``bound``: the forms of a
    refused POST, by ``actions.bound_key``)."""
    today = timezone.localdate()
    line = timelines.of(request.user, case, today)
    members = services.full_members(case)
    bound = bound or {}
    steps = [_step_row(row, bound, members) for row in line.steps]
    context = {
        "case": case,
        "stages": [
            (stage, name, [s for s in steps if s["step"].stage == stage])
            for stage, name in STAGES.items()
        ],
        "deadlines": checks.deadlines(line.facts),
        "today": today,
        "probation_ends": checks.probation_ends(case),
        "helpers": line.facts.helpers,
        "assessments": line.facts.assessments if line.staff else [],
        "votes": list(case.votes.all()) if line.staff else [],
        "vote_step": line.vote_step,
        "vote_form": bound.get("vote") or forms.VoteForm(meetings=services.general_meetings(case)),
        "vote_rule": get_rule("development.branch_vote"),
        "may_assess": line.may_assess,
        "assess_form": bound.get("assess") or forms.AssessForm(),
        "may_extend": line.may_extend,
        "extend_form": bound.get("extend") or forms.ExtendForm(),
        "extension_rule": get_rule("development.extension"),
        "may_close": line.may_close,
        "may_export": line.may_export,
        "staff": line.staff,
        "close_form": bound.get("close") or forms.CloseForm(),
    }
    return render_page(request, "development/case.html", context, status=status)


def _step_row(row: timelines.StepRow, bound: dict, members) -> dict:
    """A step of the timeline with its forms: the step's own, or more documents once done."""
    number = row.step.number
    files_form = None
    if row.may_add_files:
        files_form = bound.get(f"files-{number}") or forms.FilesForm(prefix=f"f{number}")
    form = None
    if row.has_form:
        form = bound.get(number) or forms.StepForm(number=number, members=members)
    return {
        "step": row.step,
        "record": row.record,
        "files": row.files,
        "files_form": files_form,
        "publicity": row.publicity,
        "ready": row.ready,
        "may": row.may,
        "form": form,
        "blocked": row.blocked,
        "rule": row.rule,
    }


@login_required
def case_file(request, pk: int, file_pk: int):
    """A document of a case the user may see, as a download."""
    case = services.require_visible(request.user, pk)
    return filestore.download(services.require_case_file(request.user, case, file_pk))


@login_required
def dossier(request, pk: int):
    """The case's documents and an index PDF in one zip, for the archive (audited)."""
    case = services.require_visible(request.user, pk)
    bundle = dossiers.export(request.user, case)
    response = FileResponse(bundle, as_attachment=True, filename=dossiers.filename(case))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def act(request, pk: int, action: str):
    """The case's forms (``actions.ACTIONS``): ``step`` (with ``number``), ``vote``, ``files``,
    ``assess``, ``extend``, ``close``."""
    case = services.require_visible(request.user, pk)
    if action not in actions.ACTIONS:
        return HttpResponse("没有这个操作", status=404)
    unknown = actions.unknown_step(action, request.POST)
    if unknown:
        return HttpResponse(unknown, status=404)
    outcome = core_actions.run(
        actions.ACTIONS, request.user, case, action, request.POST, request.FILES
    )
    if outcome.ok:
        messages.success(request, actions.done(action, request.POST))
        return redirect("development:detail", pk=case.pk)
    return _detail(
        request, case, bound={actions.bound_key(action, request.POST): outcome.form}, status=422
    )
