"""Two taps on the check-in button at the same moment, by the same person: one record, and for a
person nobody expected (a 列席 guest) one row, not two."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from dangqun.life import services
from dangqun.life.models import Attendee, Kind, Presence


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.parametrize("who", ["expected", "guest"])
def test_checking_in_twice_at_once_gives_one_record(world, make_user, who):
    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    meeting = services.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "学习", "starts_at": timezone.now()},
    )
    user = make_user("taps", person=world.li if who == "expected" else world.wang)
    now = timezone.now()
    code = services.checkin_code(meeting, now)
    start, results, errors = threading.Barrier(2), [], []

    def tap():
        try:
            start.wait()
            results.append(services.check_in(user, meeting, code, at=now).first)
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
        services.schedule(
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
        services.update(secretary, meeting, {"minutes": "学习"})
    start, errors = threading.Barrier(2), []

    def finalise(meeting):
        try:
            start.wait()
            services.finalise(secretary, meeting)
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
