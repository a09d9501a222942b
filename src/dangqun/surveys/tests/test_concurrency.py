"""One response per person under concurrency (issue #18 §6): eight submits of the same person at
once give one participation, one response and one audit row; the others are refused in Chinese."""

import threading

import pytest
from django.db import connection

from dangqun.core.models import AuditLog
from dangqun.surveys import answering
from dangqun.surveys.models import Participation, Response, Tally
from dangqun.surveys.tests.conftest import pulse_answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_eight_submits_of_one_person_at_once(world, pulse):
    answers = pulse_answers(pulse)
    start, refused, errors = threading.Barrier(8), [], []

    def submit():
        try:
            start.wait()
            answering.answer(world.member, pulse, answers)
        except Exception as exc:  # sorted below
            (refused if answering.TWICE in str(exc) else errors).append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(refused) == 7
    assert Participation.objects.count() == 1 == Response.objects.count()
    assert AuditLog.objects.filter(action="survey.answer_anonymous").count() == 1
    assert set(Tally.objects.filter(item=-2).values_list("count", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_the_tally_adds_up_under_concurrent_answers(world, pulse, crowd):
    users = crowd(8, world.dept_a)
    start, errors = threading.Barrier(8), []

    def submit(user):
        try:
            start.wait()
            answering.answer(user, pulse, pulse_answers(pulse, score=5))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    first = pulse.questions.get(position=1)
    assert Tally.objects.get(question=first, item=-1, value=5).count == 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_closing_waits_for_an_answer_under_way(world, pulse):
    """An answer holds its survey FOR SHARE until it commits, so closing (FOR UPDATE) waits for
    it: no answer commits after its survey closed, and closing's shuffle sees every answer."""
    import time

    from django.db import transaction

    from dangqun.surveys import building

    holding, go = threading.Event(), threading.Event()
    finished = {}

    def answering_now():
        try:
            with transaction.atomic():
                assert answering._status_held(pulse.pk) == "open"
                holding.set()
                go.wait(10)
                finished["answer"] = time.monotonic()
        finally:
            connection.close()

    thread = threading.Thread(target=answering_now)
    thread.start()
    holding.wait(5)

    def let_go():
        time.sleep(0.5)
        go.set()

    threading.Thread(target=let_go).start()
    building.close(world.owner, pulse)  # waits for the answer's transaction
    closed = time.monotonic()
    thread.join()
    assert closed >= finished["answer"]
