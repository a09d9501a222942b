"""学习培训's exam on a phone (issue #17 §7): a member opens 我的考试 from 我的学时, starts an exam,
answers (each answer saved as given), loses the connection mid-way — the page says the answers
are not saved yet and keeps them — comes back online (they are saved, and survive a reload),
submits, and once the exam has closed sees the exam's 学时 on the ledger page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONS = [
    {
        "kind": "single",
        "stem": "预备党员的预备期为几年？",
        "options": ["半年", "一年", "两年"],
        "answer": [1],
    },
    {
        "kind": "multiple",
        "stem": "下列属于党的纪律的有？",
        "options": ["政治纪律", "组织纪律", "廉洁纪律", "考勤纪律"],
        "answer": [0, 1, 2],
    },
    {"kind": "true_false", "stem": "党员有退党的自由。", "answer": [0]},
    {"kind": "fill", "stem": "党的根本组织原则是（ ）。", "answer": ["民主集中制"]},
]


def _exam(world, make_user):
    from dangqun.learning import exams, papers, questions

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    made = [questions.create(secretary, world.branch_a, q) for q in QUESTIONS]
    paper = papers.create(
        secretary,
        world.branch_a,
        {
            "title": "党章测试卷",
            "mode": "fixed",
            "questions": [q.pk for q in made],
            "points": {k: 25 for k in ("single", "multiple", "true_false", "fill")},
        },
    )
    now = timezone.now()
    return exams.create(
        secretary,
        world.branch_a,
        {
            "title": "党章知识测试",
            "paper": paper,
            "opens_at": now - dt.timedelta(hours=1),
            "closes_at": now + dt.timedelta(days=2),
            "limit_minutes": 30,
            "attempts_allowed": 1,
            "pass_mark": Decimal(60),
            "partial_credit": False,
            "hours": Decimal(2),
            "audience_who": "members",
        },
    )


def _answer(page, place):
    if place.question.kind == "fill":
        page.fill(f"#t{place.position}", place.question.answer[0])
        page.locator(f"#t{place.position}").blur()
    else:
        for shown in place.right:
            page.check(f"#question-{place.position} input[value='{shown}']")


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_member_takes_an_exam_offline_mid_way_and_gets_the_hours(page, world, make_user):
    from dangqun.learning import exams
    from dangqun.learning.exam_models import Answer, Attempt, Exam

    exam = _exam(world, make_user)
    log_in(page, "member")
    page.goto(f"{page.base_url}/learning/ledger/")
    page.click("#learning-nav >> text=我的考试")
    page.click("#exams-open >> text=党章知识测试")
    fits(page)
    page.click("#start-exam")
    page.wait_for_selector("#exam-form")
    fits(page)
    attempt = Attempt.objects.get()
    places = exams.places(attempt, with_answers=True)

    # two answers online: saved one by one
    for place in places[:2]:
        _answer(page, place)
    page.wait_for_selector("#save-state:has-text('已全部保存')")
    assert Answer.objects.filter(attempt=attempt).count() == 2

    # the connection drops: the page says so and keeps the answers
    page.context.set_offline(True)
    for place in places[2:]:
        _answer(page, place)
    page.wait_for_selector("#save-state:has-text('未保存，联网后自动保存')")
    assert Answer.objects.filter(attempt=attempt).count() == 2
    page.click("#submit-exam")  # refused while answers wait: nothing is lost
    page.wait_for_selector("#offline-submit:visible")
    assert not Attempt.objects.get().submitted

    # back online: saved, and a reload shows every answer
    page.context.set_offline(False)
    page.wait_for_selector("#save-state:has-text('已全部保存')", timeout=15_000)
    assert Answer.objects.filter(attempt=attempt).count() == 4
    page.reload()
    for place in places:
        if place.question.kind == "fill":
            assert page.input_value(f"#t{place.position}") == place.question.answer[0]
        else:
            for shown in place.right:
                assert page.is_checked(f"#question-{place.position} input[value='{shown}']")
    page.click("#submit-exam")
    page.wait_for_selector("#exam-score:has-text('100 / 100')")
    assert "通过" in page.inner_text("#exam-passed")
    fits(page)

    # after the exam closes: the answers are shown, and the ledger has its 学时
    Exam.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page.reload()
    page.wait_for_selector("text=（正确答案）")
    page.goto(f"{page.base_url}/learning/ledger/")
    entries = page.inner_text("#ledger-entries")
    assert "考试：党章知识测试" in entries and "2 学时" in entries
    fits(page)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_organisers_exam_pages_fit_a_phone_in_chinese(page, world, make_user):
    from dangqun.learning import exams
    from tests.browser.test_crawl import english_words

    exam = _exam(world, make_user)
    exams.submit(world.member, exams.start(world.member, exam).pk)
    log_in(page, "secretary")
    page.goto(f"{page.base_url}/learning/ledger/")
    page.click("#learning-nav >> text=题库")
    paths = [
        "/learning/questions/",
        "/learning/questions/new/",
        f"/learning/questions/{exam.paper.items.first().question_id}/",
        "/learning/questions/import/",
        "/learning/papers/",
        "/learning/papers/new/",
        "/learning/exams/manage/",
        "/learning/exams/new/",
        f"/learning/exams/{exam.pk}/statistics/",
    ]
    for path in paths:
        page.goto(page.base_url + path)
        fits(page)
        text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
        assert english_words(text, ["secretary"]) == "", path
