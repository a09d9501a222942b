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


@pytest.fixture
def klass(world, secretary):
    """An assigned class of 综合部党支部 (张三 and 李四 enrolled once published) with three
    sessions of 3 hours (4 学时 each by the conversion) in the days before now."""
    import datetime as dt

    from django.utils import timezone

    from dangqun.learning import classes

    made = classes.create(
        secretary,
        {
            "org": world.branch_a,
            "title": "学习贯彻党的二十大精神培训班",
            "description": "集中学习",
            "enrolment": "assigned",
            "threshold": 80,
            "audience_who": "members",
        },
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=3)
    for day in range(3):
        begins = start + dt.timedelta(days=day)
        classes.save_session(
            secretary,
            made,
            {
                "topic": f"第{day + 1}讲",
                "starts_at": begins,
                "ends_at": begins + dt.timedelta(hours=3),
                "place": "党员活动室",
            },
        )
    return made
