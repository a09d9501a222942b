"""Pages of 问卷调查: 我的问卷 (to answer, answered) with the organiser's list, a new survey (blank or
from a template), the builder, the phone-width preview, the answer page and the results (within
k) with their xlsx. Thin: the services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import require
from dangqun.core import actions as core_actions
from dangqun.core import qrcodes
from dangqun.core.ids import parse_id
from dangqun.core.rules import get_rule
from dangqun.surveys import actions, answering, exports, forms, results, services, templates
from dangqun.surveys.models import Kind, Participation, Status
from dangqun.web.htmx import render_page

LIST_MAX = 100


@login_required
def index(request):
    user = request.user
    person_id = getattr(user, "person_id", None)
    done = set()
    todo = []
    if person_id is not None:
        done = set(
            Participation.objects.filter(person_id=person_id).values_list("survey_id", flat=True)
        )
        todo = [
            s
            for s in services.assigned_to(user)
            .select_related("org")
            .order_by("closes_on", "-id")[:LIST_MAX]
            if s.pk not in done and s.is_answerable()
        ]
    answered = list(services.answered_by(user).select_related("org").order_by("-id")[:LIST_MAX])
    kept = []
    if services.reads(user):
        kept = list(services.kept_by(user).select_related("org").order_by("-id")[:LIST_MAX])
    context = {
        "todo": todo,
        "answered": answered,
        "kept": kept,
        "organises": services.organises(user),
        "reads": services.reads(user),
        "statuses": Status,
    }
    return render_page(request, "surveys/index.html", context)


@login_required
def new(request):
    require(services.organises(request.user), services.NOT_ORGANISER)
    blank = forms.SurveyForm(user=request.user)
    shipped = forms.TemplateForm(user=request.user)
    if request.method == "POST":
        name = "from_template" if request.POST.get("template") else "create"
        outcome = core_actions.run(actions.NEW, request.user, None, name, request.POST)
        if outcome.ok:
            messages.success(request, actions.NEW[name].done)
            return redirect("surveys:detail", pk=outcome.result.pk)
        if name == "create":
            blank = outcome.form
        else:
            shipped = outcome.form
        status = 422
    else:
        status = 200
    context = {"blank": blank, "shipped": shipped, "templates": templates.shipped().values()}
    return render_page(request, "surveys/new.html", context, status=status)


def _kept(request, pk):
    survey = services.require_visible(request.user, pk)
    if not (
        services.can_manage(request.user, survey) or services.can_read_results(request.user, survey)
    ):
        raise Http404(services.NOT_FOUND)
    return survey


def _builder(request, survey, manages: bool, question_form=None, status: int = 200):
    """The builder's page; ``question_form`` is a refused new question, shown as typed."""
    questions = list(survey.questions.all())
    context = {
        "survey": survey,
        "questions": questions,
        "positions": {q.pk: q.position for q in questions},
        "manages": manages,
        "draft": survey.status == Status.DRAFT,
        "statuses": Status,
        "question_form": question_form or forms.QuestionForm(initial={"required": True}),
        "responses": survey.responses.count(),
        "template": templates.shipped().get(survey.template),
    }
    return render_page(request, "surveys/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    """The builder (and, for a reader, the survey's questions and state)."""
    survey = services.require_visible(request.user, pk)
    manages = services.can_manage(request.user, survey)
    if not manages and not services.can_read_results(request.user, survey):
        return redirect("surveys:answer", pk=survey.pk)
    return _builder(request, survey, manages)


@login_required
def edit(request, pk: int):
    survey = _kept(request, pk)
    require(services.can_manage(request.user, survey), services.NOT_ORGANISER)
    form = forms.SurveyForm(user=request.user, survey=survey)
    status = 200
    if request.method == "POST":
        outcome = core_actions.run(actions.ACTIONS, request.user, survey, "update", request.POST)
        if outcome.ok:
            messages.success(request, "已保存")
            return redirect("surveys:detail", pk=survey.pk)
        form, status = outcome.form, 422
    return render_page(
        request, "surveys/edit.html", {"survey": survey, "form": form}, status=status
    )


@login_required
def question(request, pk: int, question_pk: int):
    """One question's form (edit; the builder's page adds new ones)."""
    survey = _kept(request, pk)
    require(services.can_manage(request.user, survey), services.NOT_ORGANISER)
    row = survey.questions.filter(pk=question_pk).first()
    if row is None:
        raise Http404("题目不存在")
    positions = {q.pk: q.position for q in survey.questions.all()}
    form = forms.QuestionForm(
        initial={
            "question": row.pk,
            "kind": row.kind,
            "text": row.text,
            "required": row.required,
            "options": "\n".join(row.options),
            "items": "\n".join(row.items),
            "skip": "\n".join(f"{int(k) + 1}={positions.get(v, '')}" for k, v in row.skip.items()),
        }
    )
    status = 200
    if request.method == "POST":
        outcome = core_actions.run(actions.ACTIONS, request.user, survey, "question", request.POST)
        if outcome.ok:
            messages.success(request, "题目已保存")
            return redirect("surveys:detail", pk=survey.pk)
        form, status = outcome.form, 422
    context = {"survey": survey, "row": row, "form": form}
    return render_page(request, "surveys/question.html", context, status=status)


@login_required
@require_POST
def act(request, pk: int, action: str):
    survey = services.require_visible(request.user, pk)
    if action not in actions.ACTIONS or action in ("update", "answer"):
        raise Http404("没有这个操作")
    outcome = core_actions.run(actions.ACTIONS, request.user, survey, action, request.POST)
    if outcome.ok:
        messages.success(request, actions.ACTIONS[action].done)
    elif action == "question":  # the builder again, with what was typed beside the reasons
        return _builder(request, survey, manages=True, question_form=outcome.form, status=422)
    else:
        errors = [m for errs in outcome.form.errors.values() for m in errs]
        messages.error(request, "；".join(errors))
    return redirect("surveys:detail", pk=survey.pk)


def _answer_context(survey, form=None, preview=False) -> dict:
    questions = list(survey.questions.all())
    positions = {q.pk: q.position for q in questions}
    given = (
        form.cleaned_data.get("answers", {})
        if form is not None and hasattr(form, "cleaned_data")
        else {}
    )
    for q in questions:
        raw = given.get(str(q.pk))  # what was typed, shown again after a refusal
        q.picked = (
            {str(v) for v in raw}
            if isinstance(raw, list)
            else ({str(raw)} if raw not in (None, "") and not isinstance(raw, dict) else set())
        )
        q.rows_picked = [
            str(raw.get(str(i), "")) if isinstance(raw, dict) else "" for i in range(len(q.items))
        ]
        q.text_given = raw if isinstance(raw, str) else ""
        q.matrix_rows = list(zip(q.items, q.rows_picked, strict=True))
        q.jumps = {int(k): positions.get(v) for k, v in (q.skip or {}).items()}
        q.low, q.high = q.scale or (0, 0)
        q.scale_range = range(q.low, q.high + 1) if q.scale else []
    return {
        "survey": survey,
        "questions": questions,
        "kinds": Kind,
        "preview": preview,
        "errors": form.errors if form is not None else {},
        "values": form.cleaned_data.get("answers", {})
        if form is not None and hasattr(form, "cleaned_data")
        else {},
        "rule": get_rule("surveys.min_group"),
    }


@login_required
def answer(request, pk: int):
    survey = services.require_visible(request.user, pk)
    status = 200
    form = None
    if request.method == "POST":
        outcome = core_actions.run(actions.ACTIONS, request.user, survey, "answer", request.POST)
        if outcome.ok:
            messages.success(request, actions.ACTIONS["answer"].done)
            return redirect("surveys:index")
        form, status = outcome.form, 422
        errors = [m for errs in form.errors.values() for m in errs]
        messages.error(request, "；".join(errors[:3]))
    context = _answer_context(survey, form)
    context["may_answer"] = answering.may_answer(request.user, survey)
    context["answered"] = Participation.objects.filter(
        survey=survey, person_id=getattr(request.user, "person_id", None)
    ).exists()
    return render_page(request, "surveys/answer.html", context, status=status)


@login_required
def preview(request, pk: int):
    survey = _kept(request, pk)
    return render_page(request, "surveys/preview.html", _answer_context(survey, preview=True))


def _results(request, survey):
    require(services.can_read_results(request.user, survey), "您无权查看该问卷的结果")
    unit_id = parse_id(request.GET.get("unit")) if request.GET.get("unit") else None
    try:
        return results.results(survey, unit_id), None
    except ValidationError as exc:
        return results.results(survey), "；".join(exc.messages)


@login_required
def results_page(request, pk: int):
    survey = _kept(request, pk)
    found, refused = _results(request, survey)
    if refused:
        messages.error(request, refused)
    charts = {
        "questions": [
            {"id": q.question.pk, "kind": q.question.kind, **q.chart}
            for q in found.questions
            if q.rows
        ],
        "units": {
            "labels": [u.label for u in found.units],
            "rates": [u.satisfied for u in found.units],
        },
        "trend": results.trend_chart(found),
    }
    context = {
        "survey": survey,
        "found": found,
        "charts": charts,
        "kinds": Kind,
        "rule": get_rule("surveys.min_group"),
    }
    return render_page(request, "surveys/results.html", context)


@login_required
def export(request, pk: int):
    survey = _kept(request, pk)
    found, refused = _results(request, survey)
    if refused:
        raise Http404(refused)
    response = HttpResponse(exports.book(request.user, found), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
    return response


@login_required
def qr(request, pk: int):
    """The answer page's QR code (a poster, a meeting's screen): opened in 企业微信 / 钉钉 it signs
    in through the login page's in-client start, like every other code (``connect/entry.py``)."""
    survey = _kept(request, pk)
    url = request.build_absolute_uri(reverse("surveys:answer", args=[survey.pk]))
    kind = "png" if request.GET.get("format") == "png" else "svg"
    filename = f"survey-{survey.pk}" if request.GET.get("download") else ""
    return qrcodes.response(url, kind=kind, scale=8, title="问卷二维码", filename=filename)
