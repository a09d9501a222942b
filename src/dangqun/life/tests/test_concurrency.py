"""Two taps on the check-in button at the same moment, by the same person: one record, and for a
person nobody expected (a 列席 guest) one row, not two."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from dangqun.life import checkins, planning, recording
from dangqun.life.models import Attendee, Kind, Presence


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.parametrize("who", ["expected", "guest"])
def test_checking_in_twice_at_once_gives_one_record(world, make_user, who):
    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "学习", "starts_at": timezone.now()},
    )
    user = make_user("taps", person=world.li if who == "expected" else world.wang)
    now = timezone.now()
    code = checkins.checkin_code(meeting, now)
    start, results, errors = threading.Barrier(2), [], []

    def tap():
        try:
            start.wait()
            results.append(checkins.check_in(user, meeting, code, at=now).first)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(results) == [False, True]
    person = world.li if who == "expected" else world.wang
    [row] = Attendee.objects.filter(meeting=meeting, person=person)
    assert row.presence == Presence.PRESENT


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_meetings_of_one_month_finalised_at_once_are_both_counted(world, make_user):
    from dangqun.life.models import MeetingTally

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    day = timezone.now().replace(day=1, hour=12) if timezone.now().day > 1 else timezone.now()
    meetings = [
        planning.schedule(
            secretary,
            world.branch_a,
            {
                "kind": Kind.THEME_DAY,
                "topic": f"学习{n}",
                "starts_at": day - timezone.timedelta(hours=n),
            },
        )
        for n in (1, 2)
    ]
    for meeting in meetings:
        recording.update(secretary, meeting, {"minutes": "学习"})
    start, errors = threading.Barrier(2), []

    def finalise(meeting):
        try:
            start.wait()
            recording.finalise(secretary, meeting)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise, args=(m,)) for m in meetings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    [row] = MeetingTally.objects.filter(org=world.branch_a, kind=Kind.THEME_DAY)
    assert (row.held, row.expected) == (2, 4)  # 张三 and 李四 expected at each


def _theme_day(secretary, world, starts):
    return planning.schedule(
        secretary, world.branch_a, {"kind": Kind.THEME_DAY, "topic": "学习", "starts_at": starts}
    )


def _run(*targets) -> list:
    errors = []

    def guarded(target):
        try:
            target()
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_a_meeting_held_while_the_last_one_of_its_month_moves_away(world, make_user):
    """The moved meeting empties its month's row while the other request waits on it: the
    waiting request still finds a row to count in (found by a review: it used to fail)."""
    from django.db import transaction

    from dangqun.life.models import MeetingTally

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    tz = timezone.get_current_timezone()
    first = _theme_day(secretary, world, dt.datetime(2025, 3, 10, 14, tzinfo=tz))
    recording.update(secretary, first, {"minutes": "已开"})
    second = _theme_day(secretary, world, dt.datetime(2025, 3, 20, 14, tzinfo=tz))
    moved = threading.Event()

    def move():
        with transaction.atomic():
            april = dt.datetime(2025, 4, 10, 14, tzinfo=tz)
            recording.update(
                secretary, first, {"starts_at": april, "ends_at": april + dt.timedelta(hours=2)}
            )
            moved.set()
            time.sleep(0.5)  # the other request reaches March's row meanwhile

    def hold():
        moved.wait(5)
        recording.update(secretary, second, {"minutes": "也开了"})

    assert _run(move, hold) == []
    held = dict(MeetingTally.objects.values_list("month", "held"))
    assert held == {dt.date(2025, 3, 1): 1, dt.date(2025, 4, 1): 1}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_a_meeting_held_during_the_nightly_recount_is_counted_once(world, make_user, monkeypatch):
    from dangqun.life import tally
    from dangqun.life.models import MeetingTally

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    tz = timezone.get_current_timezone()
    first = _theme_day(secretary, world, dt.datetime(2025, 3, 10, 14, tzinfo=tz))
    second = _theme_day(secretary, world, dt.datetime(2025, 3, 20, 14, tzinfo=tz))
    recording.update(secretary, first, {"minutes": "已开"})
    MeetingTally.objects.all().delete()  # drifted: the recount has something to write
    counted, real = threading.Event(), tally._counts

    def slow_counts(meetings):
        found = real(meetings)
        if threading.current_thread().name == "recount":
            counted.set()
            time.sleep(0.5)  # the meeting below is held meanwhile
        return found

    monkeypatch.setattr(tally, "_counts", slow_counts)

    def recount():
        threading.current_thread().name = "recount"
        tally.rebuild()

    def hold():
        counted.wait(5)
        recording.update(secretary, second, {"minutes": "也开了"})

    assert _run(recount, hold) == []
    assert list(MeetingTally.objects.values_list("held", flat=True)) == [2]
