"""Concurrent submissions of one attempt give exactly one result (issue #17 §7): the attempt's row
is locked, the first submission grades it and the others get that result."""

import threading

import pytest
from django.db import connection

from dangqun.core.models import AuditLog
from dangqun.learning import exams
from dangqun.learning.exam_models import Attempt
from dangqun.learning.models import LedgerEntry, Source


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_eight_submissions_of_one_attempt_at_once(world, make_exam):
    attempt = exams.start(world.member, make_exam())
    for place in exams.places(attempt, with_answers=True):
        exams.save(world.member, attempt.pk, place.position, place.right)
    start, errors, results = threading.Barrier(8), [], []

    def submit():
        try:
            start.wait()
            done = exams.submit(world.member, attempt.pk)
            results.append((done.score, done.submitted_at))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1  # one result, the same for all
    assert AuditLog.objects.filter(action="learning.exam.submit").count() == 1
    assert Attempt.objects.get(pk=attempt.pk).passed
    assert LedgerEntry.objects.filter(source=Source.EXAM).count() == 1
