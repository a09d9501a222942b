"""民主评议党员: self-assessments, secret peer ratings kept only as counts, and the branch's grade."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangqun.core.models import AuditLog
from dangqun.life import appraisal, planning
from dangqun.life.models import Grade, GradeCount, Kind, Rater


@pytest.fixture
def people(world, make_user):
    """张三, 李四 and two more members of 甲公司综合部党支部, each with an account."""
    from dangqun.people import services as people_services

    ids = {"A0005": "110105198001010016", "A0006": "110105198102020029"}
    extra = [
        people_services.create_person(
            None,
            {
                "employee_no": no,
                "name": name,
                "unit": world.dept_a,
                "id_number": ids[no],
                "phone": f"1390000{no[-4:]}",
            },
            {
                "branch": world.branch_a,
                "joined_on": timezone.localdate().replace(year=2010),
                "full_member_on": timezone.localdate().replace(year=2011),
            },
        )
        for no, name in (("A0005", "孙七"), ("A0006", "周八"))
    ]
    users = {"张三": world.member, "李四": make_user("li", person=world.li)}
    for person in extra:
        users[person.name] = make_user(f"u{person.employee_no}", person=person)
    return users


@pytest.fixture
def opened(world, secretary, people):
    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.APPRAISAL, "topic": "年度民主评议党员", "starts_at": timezone.now()},
    )
    return appraisal.open_appraisal(secretary, meeting)


def rate_all(opened, users, grade_for):
    everyone = appraisal.participants(opened)
    for name, user in users.items():
        grades = {p.pk: grade_for(name, p.name) for p in everyone if p.name != name}
        appraisal.submit_ratings(user, opened, grades)


def test_ratings_are_counts_and_shown_only_when_closed(world, secretary, people, opened):
    assert [p.name for p in appraisal.participants(opened)] == ["张三", "李四", "孙七", "周八"]
    appraisal.submit_self(people["张三"], opened, "认真履行党员义务。")
    rate_all(
        opened,
        people,
        lambda rater, ratee: (
            Grade.BASIC if ratee == "周八" and rater == "李四" else Grade.EXCELLENT
        ),
    )
    assert appraisal.tallies(opened) is None  # still open
    with pytest.raises(ValidationError, match="不能重复提交"):
        rate_all(opened, {"张三": people["张三"]}, lambda a, b: Grade.QUALIFIED)
    appraisal.close_appraisal(secretary, opened)
    zhou = next(t for t in appraisal.tallies(opened) if t.person.name == "周八")
    assert zhou.counts == {"excellent": 2, "qualified": 0, "basic": 1, "unqualified": 0}
    # nothing stored says who rated whom: only counts, and who took part
    assert Rater.objects.filter(appraisal=opened).count() == 4
    assert {f.name for f in GradeCount._meta.get_fields()} == {
        "id",
        "appraisal",
        "person",
        "grade",
        "count",
    }
    assert all(
        "grade" not in str(log.after) for log in AuditLog.objects.filter(action="life.peer_ratings")
    )
    outcome = appraisal.decide(secretary, opened, zhou.person, Grade.QUALIFIED)
    assert outcome.grade == Grade.QUALIFIED


def test_too_few_raters_keep_the_counts_hidden(world, secretary, people, opened):
    rate_all(opened, {"张三": people["张三"], "李四": people["李四"]}, lambda a, b: Grade.EXCELLENT)
    appraisal.close_appraisal(secretary, opened)
    assert appraisal.tallies(opened) is None  # two raters: each could tell what the other gave
    with pytest.raises(ValidationError, match="参评人数足够"):
        appraisal.decide(secretary, opened, world.zhang, Grade.EXCELLENT)


def test_every_other_member_must_be_rated_and_outsiders_cannot_rate(
    world, secretary, people, opened, make_user
):
    with pytest.raises(ValidationError, match="尚未评：孙七、周八"):
        appraisal.submit_ratings(people["张三"], opened, {world.li.pk: Grade.EXCELLENT})
    wang = make_user("wang", person=world.wang)
    with pytest.raises(ValidationError, match="不是本次民主评议的参评党员"):
        appraisal.submit_self(wang, opened, "我也来")
    with pytest.raises(ValidationError, match="已开展民主评议"):
        appraisal.open_appraisal(secretary, opened.meeting)


def test_the_appraisal_on_the_meetings_page(client, world, secretary, people):
    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.APPRAISAL, "topic": "年度民主评议党员", "starts_at": timezone.now()},
    )
    client.force_login(secretary)
    client.post(f"/life/{meeting.pk}/appraisal_open/")
    everyone = appraisal.participants(meeting.appraisal)
    for name, user in people.items():
        client.force_login(user)
        page = client.get(f"/life/{meeting.pk}/").content.decode()
        assert 'id="action-appraisal-rate"' in page and 'id="appraisal-tallies"' not in page
        grades = {f"grade-{p.pk}": Grade.EXCELLENT for p in everyone if p.name != name}
        client.post(f"/life/{meeting.pk}/appraisal_self/", {"text": f"{name}的自评"})
        done = client.post(f"/life/{meeting.pk}/appraisal_rate/", grades, follow=True)
        assert 'id="appraisal-rated"' in done.content.decode()
    client.force_login(secretary)
    client.post(f"/life/{meeting.pk}/appraisal_close/")
    page = client.get(f"/life/{meeting.pk}/").content.decode()
    assert 'id="appraisal-tallies"' in page and "已有 4/4 人提交互评" in page
    client.post(
        f"/life/{meeting.pk}/appraisal_grade/", {"person": world.li.pk, "grade": Grade.QUALIFIED}
    )
    assert meeting.appraisal.outcomes.get(person=world.li).grade == Grade.QUALIFIED
