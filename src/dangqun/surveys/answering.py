"""Answering a survey, once per person, enforced by the database (``surveys_answer_once``): the
participation row is written first, so of two submits at the same moment one writes and the
other is refused. In an anonymous survey the response names nobody, carries the day only and a
random key, its audit row is untraceable, and nothing is logged (decision 0037)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.core import audit
from dangqun.orgs.models import Org
from dangqun.people import audience
from dangqun.surveys import services, tallies
from dangqun.surveys.models import (
    Kind,
    Participation,
    Question,
    Response,
    Status,
    Survey,
)

TEXT_MAX = {Kind.SHORT: 200, Kind.LONG: 2000}
CLOSED = "问卷已结束或尚未开始，不能填写"
TWICE = "您已经填写过本问卷，每人只能填写一次"
NOT_AUDIENCE = "本问卷不面向您，不能填写"


def counted_unit(person) -> Org | None:
    """The unit a response counts for: the respondent's company (``Org.company``), nothing
    finer."""
    return person.unit.company() if person.unit_id else None


def _status_held(pk: int) -> str | None:
    """The survey's status, held until this answer commits: on PostgreSQL ``FOR SHARE`` (answers
    do not wait for each other; closing's ``FOR UPDATE`` waits for those under way, and they for
    it), so no answer commits after its survey closed and closing's shuffle sees every answer.
    SQLite writes one transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return Survey.objects.filter(pk=pk).values_list("status", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM surveys_survey WHERE id = %s FOR SHARE", [pk])
        row = cursor.fetchone()
    return row[0] if row else None


def path_of(questions: list[Question], answers: dict[str, Any]) -> list[Question]:
    """The questions a respondent is asked, given their answers: a single choice with a jump
    skips every question before the target."""
    asked: list[Question] = []
    jump_to = 0
    by_id = {q.pk: q for q in questions}
    for q in questions:
        if q.position < jump_to:
            continue
        asked.append(q)
        value = answers.get(str(q.pk))
        if q.kind == Kind.SINGLE and isinstance(value, int) and str(value) in (q.skip or {}):
            target = by_id.get(q.skip[str(value)])
            jump_to = target.position if target else jump_to
    return asked


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _one(q: Question, raw) -> Any:
    """A question's answer checked (``None``: not answered), or a Chinese refusal."""
    where = f"第 {q.position} 题"
    if raw in (None, "", [], {}):
        return None
    if q.kind == Kind.SINGLE:
        value = _int(raw)
        if value is None or not 0 <= value < len(q.options):
            raise ValidationError({f"q{q.pk}": f"{where}：请选择一个选项"})
        return value
    if q.kind == Kind.MULTIPLE:
        values = raw if isinstance(raw, list) else [raw]
        picked = {_int(v) for v in values}
        if any(v is None or not 0 <= v < len(q.options) for v in picked):
            raise ValidationError({f"q{q.pk}": f"{where}：选项不存在"})
        return sorted(picked)
    if q.kind in (Kind.RATING, Kind.SCORE):
        low, high = q.scale
        value = _int(raw)
        if value is None or not low <= value <= high:
            raise ValidationError({f"q{q.pk}": f"{where}：评分应在 {low} 到 {high} 之间"})
        return value
    if q.kind == Kind.MATRIX:
        low, high = q.scale
        if isinstance(raw, list):
            raw = {str(i): v for i, v in enumerate(raw)}
        if not isinstance(raw, dict):
            raise ValidationError({f"q{q.pk}": f"{where}：请逐项评分"})
        scored = {}
        for index in range(len(q.items)):
            value = _int(raw.get(str(index)))
            if value is None:
                raise ValidationError({f"q{q.pk}": f"{where}：请对每一项评分"})
            if not low <= value <= high:
                raise ValidationError({f"q{q.pk}": f"{where}：评分应在 {low} 到 {high} 之间"})
            scored[str(index)] = value
        return scored
    text = str(raw).strip()
    if len(text) > TEXT_MAX[q.kind]:
        raise ValidationError({f"q{q.pk}": f"{where}：回答不能超过 {TEXT_MAX[q.kind]} 字"})
    return text or None


def clean_answers(questions: list[Question], raw: dict[str, Any]) -> dict[str, Any]:
    """The answers of the questions asked (a skipped question's answer is dropped), each checked;
    a required question asked and not answered is refused."""
    if not isinstance(raw, dict):
        raise ValidationError("答卷格式不正确")
    first = {}
    for q in questions:  # the choices decide the path, so read them first
        if q.kind == Kind.SINGLE:
            first[str(q.pk)] = _one(q, raw.get(str(q.pk)))
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for q in path_of(questions, first):
        try:
            value = _one(q, raw.get(str(q.pk)))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            continue
        if value is None:
            if q.required:
                errors.setdefault(f"q{q.pk}", []).append(f"第 {q.position} 题为必答题")
            continue
        cleaned[str(q.pk)] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def may_answer(user, survey: Survey) -> bool:
    person = getattr(user, "person", None)
    return (
        person is not None
        and survey.is_answerable()
        and audience.includes(survey, person)
        and not Participation.objects.filter(survey=survey, person=person).exists()
    )


def answer(user, survey: Survey, raw: dict[str, Any]) -> None:
    """Record one person's answers. Nothing is returned: not even the response's key."""
    person = getattr(user, "person", None)
    require(person is not None, services.NO_PERSON)
    if not survey.is_answerable():
        raise ValidationError(CLOSED)
    if not audience.includes(survey, person):
        raise ValidationError(NOT_AUDIENCE)
    if Participation.objects.filter(survey=survey, person=person).exists():
        raise ValidationError(TWICE)
    questions = list(survey.questions.all())
    answers = clean_answers(questions, raw)
    unit = counted_unit(person)
    with transaction.atomic():
        current = _status_held(survey.pk)
        if current != Status.OPEN:
            raise ValidationError(CLOSED)
        try:
            with transaction.atomic():
                Participation.objects.create(survey=survey, person=person)
        except IntegrityError:
            raise ValidationError(TWICE) from None
        Response.objects.create(
            survey=survey,
            unit=unit,
            day=timezone.localdate(),
            person=None if survey.anonymous else person,
            answers=answers,
        )
        tallies.add(survey, unit.pk if unit else None, questions, answers)
        if survey.anonymous:
            audit.record(None, "survey.answer_anonymous", survey, traceable=False)
        else:
            audit.record(user, "survey.answer", survey, after={"person": person.pk})
