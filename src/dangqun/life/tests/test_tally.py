"""The monthly meeting tallies the radar reads: kept by the services as meetings are held, moved
and finalised, equal to a recount from the meetings, and corrected by the nightly check when
meetings were changed around the services."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangqun.life import attendance, planning, radar, recording, tally
from dangqun.life.models import Kind, Meeting, MeetingTally
from dangqun.life.tasks import check_meeting_tallies

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(year, month, day, hour=14) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def rows() -> dict:
    """The rows that count something (a row emptied by a moved meeting keeps zeros)."""
    return {
        (r.kind, r.month): (r.held, r.expected, r.present)
        for r in MeetingTally.objects.order_by("month")
        if r.held
    }


def plan(secretary, world, kind, starts):
    return planning.schedule(
        secretary, world.branch_a, {"kind": kind, "topic": "学习", "starts_at": starts}
    )


def test_held_moved_and_finalised_meetings_are_counted_in_their_month(world, secretary):
    march, april = dt.date(2025, 3, 1), dt.date(2025, 4, 1)
    planned = plan(secretary, world, Kind.THEME_DAY, at(2025, 3, 31, 23))  # late in local time
    assert rows() == {}  # planned meetings are not held
    recording.update(secretary, planned, {"minutes": "学习党章"})
    assert rows() == {(Kind.THEME_DAY, march): (1, 0, 0)}
    recording.update(
        secretary, planned, {"starts_at": at(2025, 4, 1, 9), "ends_at": at(2025, 4, 1, 11)}
    )
    assert rows() == {(Kind.THEME_DAY, april): (1, 0, 0)}  # moved: March's row counts nothing
    attendance.mark(secretary, planned, world.zhang, "present")
    recording.finalise(secretary, planned)
    other = plan(secretary, world, Kind.THEME_DAY, at(2025, 4, 20))
    recording.update(secretary, other, {"minutes": "交流"})
    assert rows() == {(Kind.THEME_DAY, april): (2, 2, 1)}
    cancelled = plan(secretary, world, Kind.PARTY_LECTURE, at(2025, 4, 25))
    recording.cancel(secretary, cancelled, reason="改期")
    assert rows() == {(Kind.THEME_DAY, april): (2, 2, 1)}
    assert tally.rebuild() == []  # what the services kept equals a recount
    assert MeetingTally.objects.count() == 2  # March's empty row stays until it differs


def test_the_nightly_check_and_the_command_correct_changes_made_around_the_services(
    world, secretary
):
    month = timezone.localdate().replace(day=1)
    meeting = plan(secretary, world, Kind.THEME_DAY, timezone.now())
    recording.update(secretary, meeting, {"minutes": "学习"})
    Meeting.objects.filter(pk=meeting.pk).update(status="planned")  # SQL by hand
    assert rows()  # stale until checked
    assert check_meeting_tallies.call_local() == [f"{month:%Y-%m}"]
    assert rows() == {} and check_meeting_tallies.call_local() == []
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    from io import StringIO

    out = StringIO()
    call_command("rebuild_meeting_tallies", month=[f"{month:%Y-%m}"], stdout=out)
    assert f"已更正 1 个月的组织生活月度统计：{month:%Y-%m}" in out.getvalue()
    out = StringIO()
    call_command("rebuild_meeting_tallies", stdout=out)
    assert "无需更正" in out.getvalue()
    with pytest.raises(Exception, match="月份格式不正确"):
        call_command("rebuild_meeting_tallies", month=["2025-13"])


def test_the_radar_refuses_a_span_of_part_months(world):
    with pytest.raises(ValueError):
        radar.radar(world.committee_a, dt.date(2025, 1, 15), dt.date(2026, 1, 1))
