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


@pytest.fixture
def bank(world, secretary):
    """Four questions of 综合部党支部's bank, one of each type."""
    from dangqun.learning import questions
    from dangqun.learning.exam_models import Kind

    data = [
        {
            "kind": Kind.SINGLE,
            "stem": "预备党员的预备期为几年？",
            "options": ["半年", "一年", "两年"],
            "answer": [1],
        },
        {
            "kind": Kind.MULTIPLE,
            "stem": "下列属于党的纪律的有？",
            "options": ["政治纪律", "组织纪律", "廉洁纪律", "考勤纪律"],
            "answer": [0, 1, 2],
        },
        {"kind": Kind.TRUE_FALSE, "stem": "党员有权参加党的有关会议。", "answer": [0]},
        {
            "kind": Kind.FILL,
            "stem": "党的最高领导机关是党的全国代表大会和它所产生的（ ）。",
            "answer": ["中央委员会"],
        },
    ]
    return [questions.create(secretary, world.branch_a, d | {"tags": "党章"}) for d in data]


@pytest.fixture
def make_exam(world, secretary, bank):
    """An exam of the bank's four questions (10 points each) for 综合部党支部's members, open now."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from dangqun.learning import exams, papers

    def make(**over):
        paper = papers.create(
            secretary,
            world.branch_a,
            {
                "title": "党章测试卷",
                "mode": "fixed",
                "questions": [q.pk for q in bank],
                "points": {k: 10 for k in ("single", "multiple", "true_false", "fill")},
            },
        )
        now = timezone.now()
        data = {
            "title": "党章知识测试",
            "paper": paper,
            "opens_at": now - dt.timedelta(hours=1),
            "closes_at": now + dt.timedelta(days=3),
            "limit_minutes": 30,
            "attempts_allowed": 2,
            "pass_mark": Decimal(30),
            "partial_credit": False,
            "hours": Decimal(2),
        } | over
        return exams.create(secretary, world.branch_a, data)

    return make


@pytest.fixture
def api(db):
    """``api(user)`` calls the API as that user with a fresh token; ``api(None)`` anonymously."""
    from dangqun.accounts.services import create_token
    from dangqun.api.tests.helpers import ApiClient

    return lambda user=None: ApiClient(create_token(None, user) if user is not None else None)
