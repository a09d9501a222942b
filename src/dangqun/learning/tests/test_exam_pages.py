"""The exam pages (issue #17 §3, §7): a member takes an exam through the pages, answers saved one
at a time; who may open which page; pinned query counts on the lists; the import page's errors."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangqun.learning import exams
from dangqun.learning.exam_models import Attempt, Question
from dangqun.learning.models import LedgerEntry, Source

BANK_QUERIES = 9
MANAGE_QUERIES = 5
ORGANISER_PAGES = [
    "learning:bank",
    "learning:question_new",
    "learning:import_questions",
    "learning:question_template",
    "learning:export_questions",
    "learning:papers",
    "learning:paper_new",
    "learning:exams_manage",
    "learning:exam_new",
]


def test_a_member_takes_an_exam_through_the_pages(world, login, make_exam):
    exam = make_exam()
    client = login(world.member)
    mine = client.get(reverse("learning:exams"))
    assert exam.title in mine.content.decode()
    started = client.post(reverse("learning:exam", args=[exam.pk]))
    attempt = Attempt.objects.get(exam=exam)
    assert started.url == reverse("learning:attempt", args=[attempt.pk])
    page = client.get(started.url).content.decode()
    assert "交卷" in page and "exam.js" in page
    save = reverse("learning:save_answer", args=[attempt.pk])
    for place in exams.places(attempt, with_answers=True):
        data = {"position": place.position}
        if place.question.kind == "fill":
            data["text"] = place.right[0]
        else:
            data["choice"] = place.right
        response = client.post(save, data)
        assert response.status_code == 200 and response.json()["ok"]
    again = client.get(started.url).content.decode()  # a reload shows what was saved
    assert again.count(" checked") >= 3 and "中央委员会" in again
    done = client.post(reverse("learning:submit", args=[attempt.pk]))
    assert done.url == reverse("learning:result", args=[attempt.pk])
    result = client.get(done.url).content.decode()
    assert "40 / 40" in result and "通过" in result and "考试截止" in result
    assert "正确答案）" not in result  # the right answers wait for the close
    assert LedgerEntry.objects.filter(source=Source.EXAM, person=world.zhang).exists()
    refused = client.post(save, {"position": 0, "text": "x"})
    assert refused.status_code == 400 and "已交卷" in refused.json()["error"]


def test_results_and_answers_after_the_window_closes(world, login, make_exam):
    exam = make_exam()
    attempt = exams.start(world.member, exam)
    exams.submit(world.member, attempt.pk)
    type(exam).objects.filter(pk=exam.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = login(world.member).get(reverse("learning:result", args=[attempt.pk])).content.decode()
    assert "（正确答案）" in page and "中央委员会" in page


def test_a_submission_after_the_deadline_grades_what_was_saved(world, login, make_exam):
    attempt = exams.start(world.member, make_exam())
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    client = login(world.member)
    response = client.post(
        reverse("learning:save_answer", args=[attempt.pk]), {"position": 0, "text": "x"}
    )
    assert response.status_code == 400 and "答题时间已到" in response.json()["error"]
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 302
    client.post(reverse("learning:submit", args=[attempt.pk]), {"t0": "中央委员会"})
    attempt.refresh_from_db()
    assert attempt.submitted and attempt.late and attempt.score == 0


@pytest.mark.parametrize("name", ORGANISER_PAGES)
def test_organiser_pages_permission_matrix(world, login, secretary, name):
    assert login(secretary).get(reverse(name)).status_code == 200
    assert login(world.owner).get(reverse(name)).status_code == 200
    assert login(world.member).get(reverse(name)).status_code == 403
    assert login(world.reader).get(reverse(name)).status_code == 403


def test_others_attempts_and_exams_are_not_found(world, login, make_exam, make_user):
    exam = make_exam()
    attempt = exams.start(world.member, exam)
    zhao = login(make_user("zhao", person=world.zhao))
    assert zhao.get(reverse("learning:exam", args=[exam.pk])).status_code == 404
    for name in ("learning:attempt", "learning:result"):
        assert zhao.get(reverse(name, args=[attempt.pk])).status_code == 404
    assert zhao.post(reverse("learning:submit", args=[attempt.pk])).status_code == 404
    assert (
        login(world.outsider).get(reverse("learning:exam_statistics", args=[exam.pk])).status_code
        == 404
    )
    question = Question.objects.first()
    assert (
        login(world.outsider).get(reverse("learning:question", args=[question.pk])).status_code
        == 404
    )


def _count(client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    return len(captured)


def test_list_query_counts_are_pinned(world, login, secretary, make_exam):
    make_exam()
    member, organiser = login(world.member), None
    first = _count(member, "learning:exams")
    organiser = login(secretary)
    bank_first = _count(organiser, "learning:bank")
    manage_first = _count(organiser, "learning:exams_manage")
    for _ in range(3):
        exam = make_exam()
        exams.submit(world.member, exams.start(world.member, exam).pk)
    member = login(world.member)
    assert _count(member, "learning:exams") == first == 13
    organiser = login(secretary)
    assert _count(organiser, "learning:bank") == bank_first == BANK_QUERIES
    assert _count(organiser, "learning:exams_manage") == manage_first == MANAGE_QUERIES


def test_statistics_page(world, login, secretary, make_exam):
    exam = make_exam()
    attempt = exams.start(world.member, exam)
    exams.submit(world.member, attempt.pk)
    page = (
        login(secretary).get(reverse("learning:exam_statistics", args=[exam.pk])).content.decode()
    )
    assert "答错 <strong>1</strong> 人" in page and "张三" not in page


def test_the_import_page_lists_errors_and_writes_nothing(world, login, secretary):
    client = login(secretary)
    bad = SimpleUploadedFile("题库.xlsx", b"%PDF-1.4 renamed")
    page = client.post(
        reverse("learning:import_questions"), {"org": world.branch_a.pk, "file": bad}
    )
    assert page.status_code == 422 and "改了扩展名" in page.content.decode()
    assert not Question.objects.exists()
    template = client.get(reverse("learning:question_template")).content
    good = SimpleUploadedFile("题库.xlsx", template)
    done = client.post(
        reverse("learning:import_questions"), {"org": world.branch_a.pk, "file": good}
    )
    assert done.status_code == 302 and Question.objects.count() == 4


def test_organiser_creates_question_paper_and_exam_through_the_pages(world, login, secretary, bank):
    client = login(secretary)
    response = client.post(
        reverse("learning:question_new"),
        {
            "org": world.branch_a.pk,
            "kind": "single",
            "stem": "新题",
            "options": "甲\n乙",
            "answer": "C",
            "difficulty": 3,
        },
    )
    assert response.status_code == 422 and "答案“C”不在选项中" in response.content.decode()
    response = client.post(
        reverse("learning:paper_new"),
        {
            "org": world.branch_a.pk,
            "title": "随机卷",
            "mode": "random",
            "points_single": 2,
            "points_multiple": 4,
            "points_true_false": 2,
            "points_fill": 4,
            "rules": "单选题,党章,1,5\n填空题,,1,5",
        },
    )
    assert response.status_code == 302
    from dangqun.learning.exam_models import Paper

    paper = Paper.objects.get(title="随机卷")
    now = timezone.localtime()
    response = client.post(
        reverse("learning:exam_new"),
        {
            "org": world.branch_a.pk,
            "title": "随机考试",
            "paper": paper.pk,
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "limit_minutes": 20,
            "attempts_allowed": 1,
            "pass_mark": 6,
            "hours": 1,
            "audience_who": "members",
        },
    )
    assert response.status_code == 302
    assert "随机考试" in login(world.member).get(reverse("learning:exams")).content.decode()


def test_the_ledger_page_links_the_exam_pages(world, login, secretary):
    assert (
        reverse("learning:exams")
        in login(world.member).get(reverse("learning:ledger")).content.decode()
    )
    page = login(secretary).get(reverse("learning:ledger")).content.decode()
    assert reverse("learning:bank") in page and reverse("learning:exams_manage") in page


def test_saving_an_answer_is_one_write_and_a_fixed_number_of_queries(world, login, make_exam):
    """Saving is the request a phone makes most during an exam (issue #17 §6: ≤ 30 ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangqun.learning.exam_models import Answer

    attempt = exams.start(world.member, make_exam())
    client = login(world.member)
    url = reverse("learning:save_answer", args=[attempt.pk])
    client.post(url, {"position": 2, "choice": "0"})  # the session's first request writes it
    counts = []
    for position, choice in ((0, "0"), (0, "1"), (1, "0")):  # new, changed, another place
        with CaptureQueriesContext(connection) as captured:
            assert client.post(url, {"position": position, "choice": choice}).status_code == 200
        counts.append(len(captured))
        writes = [q["sql"] for q in captured if "learning_answer" in q["sql"]]
        assert len(writes) == 1 and writes[0].startswith("INSERT")  # an upsert, no read first
    assert counts == [4, 4, 4]  # session, user, the attempt, the upsert
    assert Answer.objects.filter(attempt=attempt).count() == 3
    assert Answer.objects.get(attempt=attempt, position=0).response == [1]
