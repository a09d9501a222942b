"""Anonymous means untraceable (issue #18 §2, §6; decision 0037): several people answer through
the page, each with a sentence only they wrote; then every row of every table, the audit log
and the captured logs are searched for anything that ties a respondent to their answer."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.core.audit import AuditLog
from dangqun.people.models import Person
from dangqun.surveys import answering, building, unlink
from dangqun.surveys.models import Participation, Response, Survey
from dangqun.surveys.tests.conftest import pulse_answers

IP = "10.9.8.7"


def _row_values(model, row) -> tuple[list[str], set[tuple[str, int]]]:
    """A row's text, JSON, UUID and number values as text, and its references to people and
    accounts as (model, id)."""
    texts, refs = [], set()
    for field in model._meta.concrete_fields:
        value = getattr(row, field.attname)
        if value is None:
            continue
        if isinstance(field, models.ForeignKey) and field.related_model in (Person, User):
            refs.add((field.related_model.__name__, value))
        texts.append(str(value))
    return texts, refs


def test_no_table_audit_row_or_log_ties_a_respondent_to_an_answer(
    world, pulse, crowd, client, caplog
):
    caplog.set_level(logging.DEBUG)
    users = [world.member, *crowd(5, world.dept_a)]
    secrets = {}
    for index, user in enumerate(users):
        secret = f"第{index}号独有的意见：希望增加夜班班车{index * 7 + 3}趟"
        secrets[user.pk] = secret
        answers = pulse_answers(pulse, score=1 + index % 5, text=secret)
        client.force_login(user)
        page = client.post(
            f"/surveys/{pulse.pk}/answer/", {f"q{k}": v for k, v in answers.items()}, REMOTE_ADDR=IP
        )
        assert page.status_code == 302, page.content.decode()[:500]
    assert Response.objects.count() == len(users) == Participation.objects.count()

    responses = {r.pk: r for r in Response.objects.all()}
    markers = {str(pk): [str(pk)] for pk in responses}
    for pk, response in responses.items():
        markers[str(pk)] += [v for v in response.answers.values() if isinstance(v, str)]
    respondents = {}
    for user in users:
        person = user.person
        respondents[user.pk] = {
            "texts": [user.username, person.employee_no, person.name, IP],
            "refs": {("User", user.pk), ("Person", person.pk)},
        }

    # the response rows themselves name nobody and carry the day only
    for response in responses.values():
        assert response.person_id is None
        texts, refs = _row_values(Response, response)
        assert not refs
        for who in respondents.values():
            assert not any(t in text for t in who["texts"] for text in texts)
    assert not any(isinstance(f, models.DateTimeField) for f in Response._meta.fields)
    assert not any(isinstance(f, models.DateTimeField) for f in Participation._meta.fields)
    participation_fields = {f.name for f in Participation._meta.concrete_fields}
    assert participation_fields == {"id", "survey", "person"}

    # every table: a row holding an answer's key or its words holds no respondent
    for model in apps.get_models():
        for row in model._default_manager.all():
            texts, refs = _row_values(model, row)
            blob = "\n".join(texts)
            holds_answer = [k for k, words in markers.items() if any(w in blob for w in words)]
            if not holds_answer:
                continue
            assert model is Response, f"{model.__name__} holds an answer"
            for who in respondents.values():
                assert not (refs & who["refs"])
                assert not any(t in blob for t in who["texts"])

    # the audit log: the answers' rows are untraceable and hold no answer
    for row in AuditLog.objects.filter(action__startswith="survey.answer"):
        assert row.action == "survey.answer_anonymous"
        assert row.actor_id is None and not row.actor_name and row.ip is None and not row.request_id
        assert row.object_id == str(pulse.pk)
    # the logs: no answer's words or key at all
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for words in markers.values():
        assert not any(w in logged for w in words)


def test_keys_do_not_keep_the_order_of_answering(world, pulse, crowd):
    """Neither table's key says who answered first: both are random UUIDs."""
    from dangqun.surveys import answering

    users = crowd(6, world.dept_a)
    for user in users:
        answering.answer(user, pulse, pulse_answers(pulse))
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    assert Participation._meta.pk.get_internal_type() == "UUIDField"
    assert len({r.pk.version for r in Response.objects.all()}) == 1
    assert {r.pk.version for r in Response.objects.all()} == {4}


def _hidden_pairs(survey) -> set[tuple[int, str]]:
    """(person, free text) pairs that the database's hidden columns give when participations and
    responses are each put in the order they were written: SQLite's rowid, PostgreSQL's
    transaction id (xmin; a savepoint's id follows its transaction's) and physical place."""
    from django.db import connection

    order = "rowid" if connection.vendor == "sqlite" else "xmin::text::bigint, ctid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id FROM surveys_participation WHERE survey_id = %s ORDER BY {order}",
            [survey.pk],
        )
        people = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT answers FROM surveys_response WHERE survey_id = %s ORDER BY {order}",
            [survey.pk],
        )
        answers = [row[0] for row in cursor.fetchall()]
    found = set()
    for person, given in zip(people, answers, strict=True):
        given = json.loads(given) if isinstance(given, str) else given
        found |= {(person, value) for value in given.values() if isinstance(value, str)}
    return found


@pytest.mark.django_db(transaction=True)  # each answer its own transaction, as in production
def test_shuffling_leaves_no_hidden_column_pairing_people_with_answers(world, pulse, crowd):
    """Security review: one transaction writes a participation and its response, so rowid (SQLite)
    or xmin (PostgreSQL) paired them. ``unlink.shuffle`` re-stores the responses in key order."""
    from django.db import connection

    from dangqun.surveys import answering, results, unlink
    from dangqun.surveys.models import Survey

    users = [world.member, *crowd(5, world.dept_a)]
    for score, user in enumerate(users, start=1):
        answering.answer(
            user, pulse, pulse_answers(pulse, score=(score % 5) + 1, text=f"第{score}人")
        )
    truth = {
        (user.person_id, text)
        for user, text in zip(users, [f"第{n}人" for n in range(1, 7)], strict=True)
    }

    def paired():
        return _hidden_pairs(pulse) & truth

    assert paired() >= truth  # the link the review found: every person with their answer
    assert unlink.due() == [pulse.pk]
    assert unlink.shuffle(pulse.pk) == 6
    assert unlink.due() == [] and Survey.objects.get(pk=pulse.pk).shuffled == 6
    if connection.vendor == "postgresql":  # one transaction id for all, the shuffle's
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM surveys_response")
            assert len(cursor.fetchall()) == 1
    with connection.cursor() as cursor:  # the rows lie in the order of their random keys
        order = "rowid" if connection.vendor == "sqlite" else "ctid"
        cursor.execute(f"SELECT id FROM surveys_response ORDER BY {order}")
        physical = [str(row[0]).replace("-", "") for row in cursor.fetchall()]
    assert physical == sorted(physical) and len(physical) == 6
    assert results.results(pulse).total == 6  # nothing lost


@pytest.mark.django_db
def test_the_periodic_shuffle_counts_only_surveys_that_can_still_get_answers(
    world, pulse, crowd, django_capture_on_commit_callbacks
):
    """Open surveys are counted every five minutes; a closed one only until a shuffle after its
    last possible answer (closing shuffles at once; an answer already under way when it closed
    may still commit, so it stays counted for ``SETTLE``, then is settled and never counted)."""
    for user in [world.member, *crowd(2, world.dept_a)]:
        answering.answer(user, pulse, pulse_answers(pulse))
    assert unlink.due() == [pulse.pk]
    with django_capture_on_commit_callbacks(execute=True):
        building.close(world.owner, pulse)
    closed = Survey.objects.get(pk=pulse.pk)
    assert closed.shuffled == 3 and closed.shuffled_at >= closed.closed_at
    assert unlink.due() == []

    # an answer that was under way when the survey closed commits after the closing's shuffle
    late = Response.objects.filter(survey=pulse).first()
    late.pk = None
    late.save()
    assert unlink.due() == [pulse.pk]
    assert unlink.shuffle_due() == 4 and unlink.due() == []

    # long after closing, a survey whose last shuffle came right at closing is checked once more
    # and settled
    closing = timezone.now() - unlink.SETTLE - dt.timedelta(minutes=1)
    Survey.objects.filter(pk=pulse.pk).update(
        closed_at=closing, shuffled_at=closing + dt.timedelta(seconds=1)
    )
    assert unlink.shuffle_due() == 0  # nothing rewritten: all 4 were shuffled
    assert Survey.objects.get(pk=pulse.pk).shuffled_at > closing + unlink.SETTLE

    # settled: not counted any more, even if its count no longer matched
    Survey.objects.filter(pk=pulse.pk).update(shuffled=0)
    with CaptureQueriesContext(connection) as queries:
        assert unlink.due() == []
    assert len(queries) == 1
    assert '"status"' in queries[0]["sql"] and '"shuffled_at"' in queries[0]["sql"]


@pytest.mark.django_db
def test_a_survey_closed_moments_ago_is_not_settled_yet(world, pulse, crowd):
    answering.answer(world.member, pulse, pulse_answers(pulse))
    building.close(world.owner, pulse)  # its shuffle would run after commit
    unlink.shuffle(pulse.pk)
    assert unlink.settle() == 0  # an answer under way may still commit
    assert list(unlink.unsettled().values_list("pk", flat=True)) == [pulse.pk]
    closing = timezone.now() - 2 * unlink.SETTLE
    Survey.objects.filter(pk=pulse.pk).update(closed_at=closing, shuffled_at=closing)
    assert unlink.settle() == 1
    assert not unlink.unsettled().exists()
