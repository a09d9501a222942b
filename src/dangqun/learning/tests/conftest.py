import pytest


@pytest.fixture
def secretary(world, make_user):
    """The secretary of company A's 综合部党支部 (张三's and 李四's branch)."""
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


@pytest.fixture
def held(world, secretary):
    """Last year: a 党课 in March (张三, 李四 present) and 主题党日 in April (both) and May (张三),
    each finalised; returns (year, meetings)."""
    import datetime as dt

    from django.utils import timezone

    from dangqun.life import attendance, planning, recording
    from dangqun.life.models import Kind, Presence

    year = timezone.localdate().year - 1
    meetings = []
    for kind, month in ((Kind.PARTY_LECTURE, 3), (Kind.THEME_DAY, 4), (Kind.THEME_DAY, 5)):
        meeting = planning.schedule(
            secretary,
            world.branch_a,
            {
                "kind": kind,
                "topic": "学习党章",
                "starts_at": timezone.make_aware(dt.datetime(year, month, 10, 15)),
            },
        )
        attendance.mark(secretary, meeting, world.zhang, Presence.PRESENT)
        if month != 5:
            attendance.mark(secretary, meeting, world.li, Presence.PRESENT)
        recording.update(secretary, meeting, {"minutes": "已学习"})
        recording.finalise(secretary, meeting)
        meetings.append(meeting)
    return year, meetings
