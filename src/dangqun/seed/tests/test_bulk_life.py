"""The large data set's 组织生活: by the cadence, finalised with counts, and the members' standing
agreeing with their attendance."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from dangqun.life import attendance
from dangqun.life.models import Attendee, Kind, Meeting, Presence, Standing, Status

pytestmark = pytest.mark.django_db


def test_bulk_meetings_follow_the_cadence_and_their_counts(settings):
    call_command("seed", "--scale", "small", "--seed", "4")
    demo = list(Meeting.objects.values_list("pk", flat=True))  # the demo branch's year
    call_command("seed_life", "--years", "2", "--seed", "4")
    meetings = Meeting.objects.exclude(pk__in=demo)
    assert meetings.count() > 500
    kinds = set(meetings.values_list("kind", flat=True))
    assert {Kind.THEME_DAY, Kind.GENERAL_MEETING, Kind.HEART_TALK} <= kinds
    finalised = meetings.filter(status=Status.FINALISED).annotate(
        rows=Count("attendees", filter=~Q(attendees__role="guest")),
        came=Count("attendees", filter=Q(attendees__presence=Presence.PRESENT)),
    )
    for meeting in finalised[:300]:
        assert (meeting.expected_count, meeting.present_count) == (meeting.rows, meeting.came)
    # the standing written by the seeder is what finalising would compute
    people = list(Standing.objects.values_list("person_id", flat=True)[:50])
    seeded = {
        s.pk: (s.first_expected_at, s.last_present_at, s.absent_streak)
        for s in Standing.objects.filter(pk__in=people)
    }
    attendance.refresh_standing(people)
    again = {
        s.pk: (s.first_expected_at, s.last_present_at, s.absent_streak)
        for s in Standing.objects.filter(pk__in=people)
    }
    assert seeded == again and Attendee.objects.count() > 5000
