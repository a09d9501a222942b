"""A member's exam pages (phone first): 我的考试 (open, upcoming, done), an exam, taking it (every
question on one page, each answer saved as it is given, with a sticky save state; a plain form
post of the whole page works without JavaScript too) and the result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangqun.core import actions
from dangqun.learning import exam_actions, exams
from dangqun.learning.exam_models import Attempt, Kind
from dangqun.web.htmx import render_page


@login_required
def my_exams(request):
    person = getattr(request.user, "person", None)
    groups = exams.overview(person) if person else {"open": [], "upcoming": [], "done": []}
    return render_page(request, "learning/exams/mine.html", {"groups": groups, "person": person})


@login_required
def exam(request, pk: int):
    shown = exams.require_mine(request.user, pk)
    person = request.user.person
    if request.method == "POST":
        outcome = actions.run(exam_actions.TAKE, request.user, shown, "start", request.POST)
        if outcome.ok:
            return redirect("learning:attempt", outcome.result.pk)
        for error in outcome.form.non_field_errors():
            messages.error(request, error)
        return redirect("learning:exam", pk)
    exams.settle(Attempt.objects.filter(exam=shown, person=person))
    taken = list(Attempt.objects.filter(exam=shown, person=person).order_by("number"))
    context = {
        "exam": shown,
        "state": exams.window(shown),
        "taken": taken,
        "open_attempt": next((a for a in taken if not a.submitted), None),
        "left": max(shown.attempts_allowed - len(taken), 0),
        "results_shown": exams.results_shown(shown),
    }
    return render_page(request, "learning/exams/exam.html", context)


@login_required
def attempt(request, pk: int):
    """Taking the exam: the questions as drawn for this person, what they saved, the deadline."""
    taken = exams.require_own(request.user, pk)
    if taken.submitted or timezone.now() > taken.deadline:
        return redirect("learning:result", pk)
    context = {
        "attempt": taken,
        "exam": taken.exam,
        "places": exams.places(taken),
        "kinds": Kind,
        "letters": "ABCDEFGH",
    }
    return render_page(request, "learning/exams/take.html", context)


@login_required
@require_POST
def save_answer(request, pk: int):
    """One answer (JSON back for the page's script): 200 saved, 400 refused with the reason."""
    outcome = actions.run(exam_actions.TAKE, request.user, pk, "save", request.POST)
    if not outcome.ok:
        errors = [e for field in outcome.form.errors.values() for e in field]
        return JsonResponse({"ok": False, "error": "；".join(errors)}, status=400)
    saved = timezone.localtime(outcome.result.saved_at)
    return JsonResponse({"ok": True, "saved_at": saved.strftime("%H:%M:%S")})


@login_required
@require_POST
def submit(request, pk: int):
    """交卷: whatever the page posts is saved first (the page without its script posts every
    answer at once; saves after the deadline are refused), then the attempt is graded once."""
    taken = exams.require_own(request.user, pk)
    if not taken.submitted:
        for position in range(len(taken.items)):
            choice = request.POST.getlist(f"q{position}")
            text = request.POST.get(f"t{position}")
            if not choice and text is None:
                continue
            try:
                exams.save(request.user, pk, position, [text] if text is not None else choice)
            except ValidationError:
                break  # the time is up: what was saved before is graded
    outcome = actions.run(exam_actions.TAKE, request.user, pk, "submit", {})
    if outcome.ok:
        messages.success(request, "已交卷")
    return redirect("learning:result", pk)


@login_required
def result(request, pk: int):
    taken = exams.require_own(request.user, pk)
    exams.settle(Attempt.objects.filter(pk=taken.pk))
    taken.refresh_from_db()
    shown = exams.results_shown(taken.exam)
    context = {
        "attempt": taken,
        "exam": taken.exam,
        "results_shown": shown,
        "places": exams.places(taken, with_answers=True) if shown else [],
        "kinds": Kind,
        "letters": "ABCDEFGH",
    }
    return render_page(request, "learning/exams/result.html", context)
