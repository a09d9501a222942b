"""The large data set's training: the counts asked for, attempts that the app's own grading
agrees with, enrolments inside each class's audience, and 学时 the ledger derives from them."""

import datetime as dt

import pytest

from dangqun.learning import exams, ledger
from dangqun.learning.class_models import Attendance, Enrolment, TrainingClass
from dangqun.learning.exam_models import Answer, Attempt, Exam, Question
from dangqun.learning.models import LedgerEntry, Source
from dangqun.people import audience
from dangqun.seed.bulk_learning import PER_PAPER, seed_bulk_learning

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def test_bulk_learning_is_consistent(world):
    counts = seed_bulk_learning(
        world.committee, classes=12, questions=80, exams=12, attempts=20, seed=2, today=TODAY
    )
    assert counts["classes"] == TrainingClass.objects.count() == 12
    assert counts["questions"] == Question.objects.count() == 80
    assert counts["exams"] == Exam.objects.count() == 12
    assert counts["attempts"] == Attempt.objects.count() > 0
    assert counts["answers"] == Answer.objects.count() == PER_PAPER * counts["attempts"]
    assert counts["enrolments"] == Enrolment.objects.count() > 0
    assert counts["attendance"] == Attendance.objects.count() > 0
    for attempt in Attempt.objects.select_related("exam", "person"):
        assert attempt.number <= attempt.exam.attempts_allowed
        assert attempt.exam.opens_at <= attempt.started_at < attempt.exam.closes_at
        assert audience.includes(attempt.exam, attempt.person)
        stored = attempt.score, attempt.passed
        exams.grade(attempt)  # the app's grading, through each person's option order
        assert (attempt.score, attempt.passed) == stored
    for enrolment in Enrolment.objects.select_related("klass", "person"):
        assert audience.includes(enrolment.klass, enrolment.person)
    for year in range(TODAY.year - 3, TODAY.year + 1):
        ledger.rebuild(year)
    credited = {(e.source_id, e.person_id) for e in LedgerEntry.objects.filter(source=Source.EXAM)}
    passed = set(
        Attempt.objects.filter(passed=True, exam__hours__gt=0).values_list("exam_id", "person_id")
    )
    assert credited == passed
    assert LedgerEntry.objects.filter(source=Source.CLASS).exists()
