"""The organiser's pages of the question bank and exams: the bank with filters, a question's form,
import (template, errors by row and column) and export, papers, exams and each exam's
per-question statistics (no names, no ranking)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect

from dangqun.core import actions
from dangqun.learning import exam_actions, exams, papers, question_import, questions, services
from dangqun.learning.exam_models import Kind
from dangqun.web.htmx import render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 50


def _require_organiser(user) -> None:
    if not services.organises(user):
        raise PermissionDenied(services.NOT_ORGANISER)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
def bank(request):
    _require_organiser(request.user)
    rows = questions.filtered(questions.visible_to(request.user), request.GET)
    page = Paginator(rows.select_related("org").order_by("-id"), PAGE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "kinds": Kind.choices,
        "params": request.GET,
        "query": params.urlencode(),
    }
    return render_page(request, "learning/exams/bank.html", context)


def _form_page(request, name: str, obj, template: str, done_url, extra=None):
    action = actions.find(exam_actions.BANK, name)
    if request.method == "POST":
        outcome = actions.run(exam_actions.BANK, request.user, obj, name, request.POST)
        if outcome.ok:
            messages.success(request, action.done)
            return redirect(done_url(outcome.result))
        form, status = outcome.form, 422
    else:
        if action.allowed and not action.allowed(request.user, obj):
            raise PermissionDenied(action.refused)
        form, status = actions.build_form(action, request.user, obj), 200
    return render_page(request, template, {"form": form, **(extra or {})}, status=status)


@login_required
def question_new(request):
    return _form_page(
        request,
        "create_question",
        None,
        "learning/exams/question_form.html",
        lambda q: "learning:bank",
    )


@login_required
def question_edit(request, pk: int):
    question = questions.require_visible(request.user, pk)
    if request.method == "POST" and request.POST.get("step") in ("retire", "restore"):
        step = f"{request.POST['step']}_question"
        actions.run(exam_actions.BANK, request.user, question, step, request.POST)
        messages.success(request, exam_actions.BANK[step].done)
        return redirect("learning:question", pk)
    return _form_page(
        request,
        "update_question",
        question,
        "learning/exams/question_form.html",
        lambda q: "learning:bank",
        {"question": question, "used": questions.used(question)},
    )


@login_required
def import_questions(request):
    _require_organiser(request.user)
    orgs = services.organiser_orgs(request.user)
    context = {"orgs": orgs, "checked": None}
    if request.method == "POST":
        org = orgs.filter(pk=request.POST.get("org") or 0).first()
        uploaded = request.FILES.get("file")
        if org is None or uploaded is None:
            context["missing"] = "请选择题库所属组织和要导入的文件"
            return render_page(request, "learning/exams/import.html", context, status=422)
        checked = question_import.import_upload(request.user, org, uploaded)
        if checked.ok:
            messages.success(request, f"已导入 {len(checked.questions)} 道试题")
            return redirect("learning:bank")
        context["checked"] = checked
        context["chosen"] = org.pk
        return render_page(request, "learning/exams/import.html", context, status=422)
    return render_page(request, "learning/exams/import.html", context)


@login_required
def template_file(request):
    _require_organiser(request.user)
    return _xlsx(
        question_import.template(), "%E8%AF%95%E9%A2%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )


@login_required
def export_questions(request):
    _require_organiser(request.user)
    rows = questions.filtered(questions.visible_to(request.user), request.GET).order_by("id")
    return _xlsx(question_import.export(request.user, rows), "%E9%A2%98%E5%BA%93.xlsx")


@login_required
def paper_list(request):
    _require_organiser(request.user)
    rows = list(papers.visible_to(request.user).select_related("org").prefetch_related("items"))
    for paper in rows:
        paper.total_points = papers.total(paper)
        paper.count = papers.count(paper) if paper.mode == "random" else len(paper.items.all())
        paper.rules_text = "；".join(
            f"{Kind(r['kind']).label}{'（' + r['tag'] + '）' if r.get('tag') else ''}"
            f" {r['count']} 题 × {r['points']} 分"
            for r in paper.rules
        )
    return render_page(request, "learning/exams/papers.html", {"papers": rows})


@login_required
def paper_new(request):
    return _form_page(
        request, "create_paper", None, "learning/exams/paper_form.html", lambda p: "learning:papers"
    )


@login_required
def exam_list(request):
    _require_organiser(request.user)
    rows = exams.managed(request.user).select_related("org", "paper")
    return render_page(request, "learning/exams/manage.html", {"exams": rows})


@login_required
def exam_new(request):
    return _form_page(
        request,
        "create_exam",
        None,
        "learning/exams/exam_form.html",
        lambda e: "learning:exams_manage",
    )


@login_required
def statistics(request, pk: int):
    exam = exams.require_managed(request.user, pk)
    return render_page(
        request, "learning/exams/statistics.html", {"exam": exam, "figures": exams.statistics(exam)}
    )
