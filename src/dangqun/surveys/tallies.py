"""Per-question counts of a survey's responses per unit (``Tally``), so results at the scale of
issue #18 §5 read a few hundred rows, not every response: ``keys`` of one response's answers,
``add`` inside the answer's transaction (an upsert that adds, safe under concurrent answers),
``rebuild`` a survey from its responses (after a bulk write; the nightly check)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from dangqun.surveys.models import (
    ANSWERED,
    TEXT_KINDS,
    Kind,
    Question,
    Response,
    Status,
    Survey,
    Tally,
)

log = logging.getLogger(__name__)

Key = tuple[int, int, int, int]  # (question id, item, value) with the unit in front


def keys(questions: list[Question], answers: dict) -> list[tuple[int, int, int]]:
    """(question id, item, value) of each counted part of one response's answers."""
    found = []
    for q in questions:
        value = answers.get(str(q.pk))
        if value is None or q.kind in TEXT_KINDS:
            continue
        found.append((q.pk, ANSWERED, 0))
        if q.kind == Kind.MULTIPLE:
            found.extend((q.pk, -1, int(v)) for v in value)
        elif q.kind == Kind.MATRIX:
            found.extend((q.pk, int(i), int(v)) for i, v in value.items())
        else:
            found.append((q.pk, -1, int(value)))
    return found


SQL = (
    "INSERT INTO surveys_tally (survey_id, unit_key, question_id, item, value, count) "
    "VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (survey_id, unit_key, question_id, item, value) "
    "DO UPDATE SET count = surveys_tally.count + excluded.count"
)


def add(survey: Survey, unit_id: int | None, questions: list[Question], answers: dict) -> None:
    rows = [(survey.pk, unit_id or 0, q, i, v, 1) for q, i, v in keys(questions, answers)]
    with connection.cursor() as cursor:
        cursor.executemany(SQL, rows)


def counted(responses, questions: list[Question]) -> Counter:
    """(unit key, question, item, value) → count over ``(unit id, answers)`` pairs."""
    found: Counter = Counter()
    for unit_id, answers in responses:
        for q, i, v in keys(questions, answers):
            found[(unit_id or 0, q, i, v)] += 1
    return found


@transaction.atomic
def rebuild(survey: Survey) -> int:
    """Recount a survey from its responses; returns the rows written."""
    questions = list(survey.questions.all())
    rows = Response.objects.filter(survey=survey).values_list("unit_id", "answers").iterator()
    found = counted(rows, questions)
    Tally.objects.filter(survey=survey).delete()
    Tally.objects.bulk_create(
        Tally(survey=survey, unit_key=u, question_id=q, item=i, value=v, count=n)
        for (u, q, i, v), n in found.items()
    )
    return len(found)


def nightly_check() -> int:
    """The open surveys' tallies (and those closed since yesterday) recounted from their
    responses; a survey whose tally had drifted is rewritten and logged. Returns how many."""
    since = timezone.now() - dt.timedelta(days=1)
    wrong = 0
    rows = Survey.objects.filter(
        Q(status=Status.OPEN) | Q(status=Status.CLOSED, closed_at__gte=since)
    )
    for survey in rows:
        before = sorted(
            Tally.objects.filter(survey=survey).values_list(
                "unit_key", "question_id", "item", "value", "count"
            )
        )
        rebuild(survey)
        after = sorted(
            Tally.objects.filter(survey=survey).values_list(
                "unit_key", "question_id", "item", "value", "count"
            )
        )
        if before != after:
            wrong += 1
            log.warning("问卷 %s 的计数有误，已重新统计", survey.pk)
    return wrong
