"""The large data set's activities: the counts asked for, consistent sign-ups and hours, the
participation roll-up filled, and the same rows for the same seed."""

import datetime as dt

import pytest
from django.db import connection

from dangqun.activities.models import (
    Activity,
    HoursEntry,
    ParticipationTally,
    SignUp,
    SignUpStatus,
    Status,
)
from dangqun.seed.bulk_activities import sample_counts, seed_bulk_activities

pytestmark = pytest.mark.django_db


def fingerprint():
    return list(
        Activity.objects.order_by("starts_at", "org_id", "title").values_list(
            "org_id", "title", "starts_at", "status", "capacity"
        )
    ), sorted(
        (p, s, str(at))
        for p, s, at in SignUp.objects.values_list("person_id", "status", "checked_in_at")
    )


def test_bulk_activities_are_consistent_and_repeatable(world):
    today = dt.date(2026, 6, 15)
    made, signed, credited = seed_bulk_activities([world.committee], 60, seed=3, today=today)
    assert made == Activity.objects.count() == 60
    assert signed == SignUp.objects.count() > 0
    assert credited == HoursEntry.objects.count() > 0
    for activity in Activity.objects.filter(capacity__isnull=False):
        confirmed = activity.signups.filter(status=SignUpStatus.CONFIRMED).count()
        assert confirmed <= activity.capacity
    for entry in HoursEntry.objects.select_related("activity"):
        assert 0 < entry.hours <= entry.activity.slot_hours
        assert entry.activity.status in (Status.CONFIRMED, Status.ARCHIVED)
        assert entry.activity.kind.volunteer
    assert not SignUp.objects.filter(
        checked_in_at__isnull=False, activity__status=Status.PUBLISHED
    ).exists()
    assert ParticipationTally.objects.exists()
    first = fingerprint()
    with connection.cursor() as cursor:  # hours rows are append-only: cleared around the model
        for table in ("hoursentry", "signup", "activity"):
            cursor.execute(f"DELETE FROM activities_{table}")
    seed_bulk_activities([world.committee], 60, seed=3, today=today)
    assert fingerprint()[0] == first[0]
    assert [(p, s) for p, s, _ in fingerprint()[1]] == [(p, s) for p, s, _ in first[1]]


def test_sample_proportions_give_the_issue_counts():
    # Issue #16 §6: ~1,000,000 sign-ups and ~600,000 hours entries for 50,000 activities.
    activities, signed, credited = sample_counts(2000, seed=1)
    assert 19 <= signed / activities <= 21.5
    assert 11.5 <= credited / activities <= 13
    assert sample_counts(2000, seed=1) == (activities, signed, credited)
