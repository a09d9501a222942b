"""Waves of the satisfaction pulse for the large data set (issue #18 §5): ``waves`` closed
waves of 员工满意度调查 across the group, each answered by ``responses`` employees drawn at random,
every company with its own level and a slow rise from wave to wave. Participations and responses
(random UUID keys, the day only) go in with COPY on PostgreSQL, the per-unit tallies from the
counts made while drawing — as ``answering.answer`` would have kept them."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections import Counter
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from dangqun.core.bulk import insert_dicts
from dangqun.orgs.models import Kind as OrgKind
from dangqun.orgs.models import Org
from dangqun.people.models import Person
from dangqun.surveys import tallies, templates
from dangqun.surveys.models import Participation, Question, Response, Status, Survey, Tally

CHUNK = 20_000
TEXTS = [
    "希望食堂饭菜多一些花样",
    "下班班车太少",
    "希望多组织技能培训",
    "绩效考核要更透明",
    "宿舍热水不稳定",
]


def _copy(model, rows: list[dict]) -> None:
    """Rows with their own (UUID) keys: COPY on PostgreSQL, ``bulk_create`` elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        return
    fields = model._meta.concrete_fields
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[f.attname])
                    if f.get_internal_type() == "JSONField"
                    else row[f.attname]
                    for f in fields
                ]
            )


def _survey(root: Org, wave: int, opens: dt.date, closes: dt.date) -> tuple[Survey, list[Question]]:
    shipped = templates.get("pulse")
    survey = Survey.objects.create(
        org=root,
        title=shipped.title if wave == 1 else f"{shipped.title}（第 {wave} 期）",
        description=shipped.description,
        anonymous=True,
        audience_who="everyone",
        status=Status.CLOSED,
        opens_on=opens,
        closes_on=closes,
        template="pulse",
        wave=wave,
        opened_at=timezone.now(),
        closed_at=timezone.now(),
    )
    questions = Question.objects.bulk_create(
        Question(survey=survey, position=i, **item.fields())
        for i, item in enumerate(shipped.questions, 1)
    )
    return survey, questions


def _company_of(root: Org) -> dict[int, int]:
    """Each enterprise unit's company (the deepest 公司 at or above it), by unit id."""
    units = list(Org.objects.filter(path__startswith=root.path).values_list("pk", "path", "kind"))
    companies = {path: pk for pk, path, kind in units if kind == OrgKind.COMPANY}
    found = {}
    for pk, path, _ in units:
        above = [
            companies[path[:i]]
            for i in range(Org.steplen, len(path) + 1, Org.steplen)
            if path[:i] in companies
        ]
        found[pk] = above[-1] if above else root.pk
    return found


def _answers(rng: random.Random, questions: list[Question], base: float) -> dict:
    found = {}
    for q in questions:
        if q.kind == "rating":
            found[str(q.pk)] = max(1, min(5, round(rng.gauss(base, 0.9))))
        elif q.kind == "score":
            found[str(q.pk)] = max(0, min(10, round(rng.gauss(base * 2, 1.6))))
        elif q.kind == "long" and rng.random() < 0.05:
            found[str(q.pk)] = rng.choice(TEXTS)
    return found


def seed_bulk_surveys(
    root: Org,
    *,
    waves: int,
    responses: int,
    seed: int,
    today: dt.date,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Writes the waves; returns how many responses were written."""
    rng = random.Random(f"{seed}:bulk_surveys")  # noqa: S311
    company_of = _company_of(root)
    people = list(
        Person.objects.filter(employment_status="active", unit__isnull=False).values_list(
            "pk", "unit_id"
        )
    )
    levels = {c: rng.uniform(3.0, 4.0) for c in set(company_of.values())}
    written = 0
    for wave in range(1, waves + 1):
        closes = today - dt.timedelta(days=90 * (waves - wave) + 10)
        survey, questions = _survey(root, wave, closes - dt.timedelta(days=20), closes)
        chosen = rng.sample(people, min(responses, len(people)))
        counts: Counter = Counter()
        for start in range(0, len(chosen), CHUNK):
            part = chosen[start : start + CHUNK]
            answers_rows, participations = [], []
            for person_id, unit_id in part:
                company = company_of.get(unit_id, root.pk)
                base = levels[company] + 0.1 * wave
                answers = _answers(rng, questions, base)
                day = closes - dt.timedelta(days=rng.randint(0, 19))
                participations.append(
                    {"id": uuid.uuid4(), "survey_id": survey.pk, "person_id": person_id}
                )
                answers_rows.append(
                    {
                        "id": uuid.uuid4(),
                        "survey_id": survey.pk,
                        "unit_id": company,
                        "day": day,
                        "person_id": None,
                        "answers": answers,
                    }
                )
            counts.update(
                tallies.counted(((r["unit_id"], r["answers"]) for r in answers_rows), questions)
            )
            rng.shuffle(answers_rows)  # no order shared with the participations
            with transaction.atomic():
                _copy(Participation, participations)
                _copy(Response, answers_rows)
            written += len(part)
            if progress:
                progress(f"问卷第 {wave} 期：已写入 {start + len(part)} 份答卷")
        with transaction.atomic():
            insert_dicts(
                Tally,
                [
                    {
                        "survey_id": survey.pk,
                        "unit_key": u,
                        "question_id": q,
                        "item": i,
                        "value": v,
                        "count": n,
                    }
                    for (u, q, i, v), n in counts.items()
                ],
            )
    return written
