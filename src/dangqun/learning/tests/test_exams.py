"""Taking an exam (issue #17 §3, §7): attempts, the server-side time limit and a submission after
it, idempotent saving, results shown after the window, 学时 credited once through the ledger."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangqun.learning import exams, ledger
from dangqun.learning.exam_models import Answer, Attempt, Kind
from dangqun.learning.models import LedgerEntry, Source


def right_places(attempt):
    """What a person who knows every answer clicks, in their shuffled order."""
    out = []
    for place in exams.places(attempt, with_answers=True):
        if place.question.kind == Kind.FILL:
            out.append(place.question.answer)
        else:
            out.append(place.right)
    return out


def pos(attempt, kind):
    return next(p.position for p in exams.places(attempt) if p.question.kind == kind)


def answer_all(user, attempt, wrong=()):
    """Answer every question right, except the places in ``wrong`` (a wrong option or text)."""
    for position, response in enumerate(right_places(attempt)):
        if position in wrong:
            item = attempt.items[position]
            if isinstance(response[0], str):
                response = ["错"]
            else:
                size = len(item["order"]) if item.get("order") else 2
                response = [next(p for p in range(size) if p not in response)]
        exams.save(user, attempt.pk, position, response)


def test_full_marks_pass_and_credit_hours_once(world, make_exam):
    exam = make_exam()
    attempt = exams.start(world.member, exam)
    assert attempt.deadline == attempt.started_at + dt.timedelta(minutes=30)
    assert exams.start(world.member, exam).pk == attempt.pk  # resumed, not a second one
    answer_all(world.member, attempt)
    done = exams.submit(world.member, attempt.pk)
    assert (done.score, done.total, done.passed) == (Decimal(40), Decimal(40), True)
    entry = LedgerEntry.objects.get(source=Source.EXAM, person=world.zhang)
    assert (entry.hours, entry.title) == (Decimal(2), "考试：党章知识测试")
    # a second passed attempt credits nothing more
    second = exams.start(world.member, exam)
    assert second.number == 2
    answer_all(world.member, second)
    exams.submit(world.member, second.pk)
    assert LedgerEntry.objects.filter(source=Source.EXAM, person=world.zhang).count() == 1
    assert ledger.rebuild(timezone.localdate().year) == 0  # nothing drifted
    with pytest.raises(ValidationError, match="作答次数已用完"):
        exams.start(world.member, exam)


def test_a_failed_exam_credits_nothing(world, make_exam):
    exam = make_exam(attempts_allowed=1)
    attempt = exams.start(world.member, exam)
    answer_all(world.member, attempt, wrong={0, 1})
    done = exams.submit(world.member, attempt.pk)
    assert done.score == Decimal(20) and not done.passed
    assert not LedgerEntry.objects.filter(source=Source.EXAM).exists()
    assert ledger.rebuild(timezone.localdate().year) == 0


def test_saving_is_idempotent_and_the_last_save_wins(world, make_exam):
    attempt = exams.start(world.member, make_exam())
    fill, single = pos(attempt, Kind.FILL), pos(attempt, Kind.SINGLE)
    for _ in range(3):
        exams.save(world.member, attempt.pk, fill, ["第一次"])
    exams.save(world.member, attempt.pk, fill, ["中央委员会"])
    assert Answer.objects.filter(attempt=attempt).count() == 1
    assert Answer.objects.get(attempt=attempt).response == ["中央委员会"]
    with pytest.raises(ValidationError, match="没有这道题"):
        exams.save(world.member, attempt.pk, 9, [0])
    with pytest.raises(ValidationError, match="答案无效"):
        exams.save(world.member, attempt.pk, single, [7])
    with pytest.raises(ValidationError, match="只能选一个"):
        exams.save(world.member, attempt.pk, single, [0, 1])


def test_the_time_limit_is_kept_on_the_server(world, make_exam):
    attempt = exams.start(world.member, make_exam())
    places = right_places(attempt)
    exams.save(world.member, attempt.pk, 0, places[0])
    exams.save(world.member, attempt.pk, 2, places[2])
    # the deadline passes (the clock moves on; the row says when it passed)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="答题时间已到"):
        exams.save(world.member, attempt.pk, 1, places[1])
    done = exams.submit(world.member, attempt.pk)  # a submission after it grades what was saved
    assert done.late and done.score == Decimal(20) and not done.passed
    assert done.submitted_at <= done.deadline
    with pytest.raises(ValidationError, match="已交卷"):
        exams.save(world.member, attempt.pk, 1, places[1])


def test_the_deadline_is_the_exams_close_when_sooner(world, make_exam):
    exam = make_exam(closes_at=timezone.now() + dt.timedelta(minutes=5))
    attempt = exams.start(world.member, exam)
    assert attempt.deadline == exam.closes_at


def test_an_attempt_left_open_is_graded_when_its_time_is_up(world, make_exam):
    attempt = exams.start(world.member, make_exam())
    answer_all(world.member, attempt)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    assert exams.settle(Attempt.objects.all()) == 1
    attempt.refresh_from_db()
    assert attempt.submitted and attempt.passed and attempt.score == Decimal(40)
    assert LedgerEntry.objects.filter(source=Source.EXAM, person=world.zhang).exists()
    assert exams.settle(Attempt.objects.all()) == 0


def test_window_and_audience(world, make_exam, make_user):
    later = make_exam(opens_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="尚未开始"):
        exams.start(world.member, later)
    outsider = make_user("zhao", person=world.zhao)  # 乙公司's branch: not in the audience
    with pytest.raises(PermissionDenied):
        exams.start(outsider, make_exam())
    wang = make_user("wang", person=world.wang)  # not a party member
    with pytest.raises(PermissionDenied):
        exams.start(wang, make_exam())


def test_someone_else_cannot_save_or_submit_my_attempt(world, make_exam, make_user):
    from django.http import Http404

    attempt = exams.start(world.member, make_exam())
    li = make_user("li", person=world.li)
    with pytest.raises(Http404):
        exams.save(li, attempt.pk, 0, [0])
    with pytest.raises(Http404):
        exams.submit(li, attempt.pk)


def test_overview_groups_and_results_after_close(world, make_exam):
    exam = make_exam()
    attempt = exams.start(world.member, exam)
    answer_all(world.member, attempt, wrong={0})
    exams.submit(world.member, attempt.pk)
    groups = exams.overview(world.zhang)
    assert [e.pk for e in groups["open"]] == [exam.pk]  # a second attempt is allowed
    assert not exams.results_shown(exam)
    later = exam.closes_at + dt.timedelta(minutes=1)
    assert exams.results_shown(exam, later)
    groups = exams.overview(world.zhang, later)
    assert [e.pk for e in groups["done"]] == [exam.pk] and groups["done"][0].best.pk == attempt.pk


def test_random_paper_draws_per_attempt_with_shuffled_options(world, secretary, bank):
    from dangqun.learning import papers

    paper = papers.create(
        secretary,
        world.branch_a,
        {
            "title": "随机卷",
            "mode": "random",
            "rules": [
                {"kind": "single", "tag": "党章", "count": 1, "points": 5},
                {"kind": "multiple", "tag": "", "count": 1, "points": 5},
            ],
        },
    )
    items = papers.draw(paper)
    assert [i["q"] for i in items] == [bank[0].pk, bank[1].pk]
    assert sorted(items[1]["order"]) == [0, 1, 2, 3]
    with pytest.raises(ValidationError, match="不够抽取"):
        papers.create(
            secretary,
            world.branch_a,
            {
                "title": "x",
                "mode": "random",
                "rules": [{"kind": "fill", "tag": "", "count": 5, "points": 1}],
            },
        )


def test_statistics_count_wrong_answers_and_the_most_chosen_wrong_option(
    world, make_exam, make_user
):
    exam = make_exam()
    li = make_user("li", person=world.li)
    for user in (world.member, li):
        attempt = exams.start(user, exam)
        answer_all(user, attempt)
        # both pick 半年 (original option 0) for the single choice
        single = pos(attempt, Kind.SINGLE)
        order = attempt.items[single]["order"]
        exams.save(user, attempt.pk, single, [order.index(0)])
        exams.submit(user, attempt.pk)
    figures = exams.statistics(exam)
    assert figures["submitted"] == 2
    single = next(f for f in figures["questions"] if f.question.kind == Kind.SINGLE)
    assert (single.answered, single.wrong, single.common_wrong_count) == (2, 2, 2)
    assert single.common_wrong == "A. 半年"
