"""学习培训's exams over the API (issue #17 §5, §7): the permission matrix of every endpoint, and a
member's whole flow — start, save answers, submit (twice: one result), result."""

import pytest

from dangqun.learning import exams, question_import
from dangqun.learning.exam_models import Attempt, Question


@pytest.fixture
def setup(world, make_exam, make_user):
    exam = make_exam()
    attempt = exams.start(world.member, exam)
    zhao = make_user("zhao", person=world.zhao)
    return exam, attempt, zhao


def test_permission_matrix(world, api, secretary, setup):
    exam, attempt, zhao = setup
    anonymous, member, other, organiser = api(None), api(world.member), api(zhao), api(secretary)
    cases = [
        # (call, anonymous, member, other member, organiser — a user without a person: 403)
        (lambda c: c.get("/api/learning/exams/"), 401, 200, 200, 200),
        (lambda c: c.post(f"/api/learning/exams/{exam.pk}/start/"), 401, 201, 404, 403),
        (lambda c: c.get(f"/api/learning/attempts/{attempt.pk}/"), 401, 200, 404, 403),
        (
            lambda c: c.post(
                f"/api/learning/attempts/{attempt.pk}/answer/", {"position": 3, "text": "x"}
            ),
            401,
            200,
            404,
            403,
        ),
        (lambda c: c.get("/api/learning/questions/"), 401, 403, 403, 200),
        # JSON is not a file upload: 415 once allowed
        (lambda c: c.post("/api/learning/questions/import/", {}), 401, 403, 403, 415),
    ]
    for call, *expected in cases:
        got = [call(c).status_code for c in (anonymous, member, other, organiser)]
        assert got == expected, call
    assert [e["id"] for e in member.get("/api/learning/exams/").json()["results"]] == [exam.pk]
    assert other.get("/api/learning/exams/").json()["results"] == []


def test_a_member_takes_an_exam_over_the_api(world, api, setup):
    exam, attempt, _ = setup
    client = api(world.member)
    body = client.post(f"/api/learning/exams/{exam.pk}/start/").json()
    assert body["id"] == attempt.pk and len(body["questions"]) == 4
    assert all(q["right"] is None for q in body["questions"])
    for place in exams.places(attempt, with_answers=True):
        data = {"position": place.position}
        data |= (
            {"text": place.right[0]} if place.question.kind == "fill" else {"choice": place.right}
        )
        assert client.post(f"/api/learning/attempts/{attempt.pk}/answer/", data).status_code == 200
    bad = client.post(
        f"/api/learning/attempts/{attempt.pk}/answer/", {"position": 99, "choice": [0]}
    )
    assert bad.status_code == 400 and "没有这道题" in str(bad.json())
    first = client.post(f"/api/learning/attempts/{attempt.pk}/submit/").json()
    second = client.post(f"/api/learning/attempts/{attempt.pk}/submit/").json()
    assert first["score"] == second["score"] == "40.0" and first["passed"]
    assert first["submitted_at"] == second["submitted_at"]
    assert Attempt.objects.get(pk=attempt.pk).passed


def test_organiser_lists_and_imports_questions(world, api, secretary, bank):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api(secretary)
    listed = client.get("/api/learning/questions/", {"kind": "fill"}).json()["results"]
    assert [q["stem"] for q in listed] == [bank[3].stem]
    bad = client.client.post(
        "/api/learning/questions/import/",
        {"org": world.branch_a.pk, "file": SimpleUploadedFile("q.xlsx", b"not excel")},
        **client.headers,
    )
    assert bad.status_code == 400 and "改了扩展名" in str(bad.json())
    good = client.client.post(
        "/api/learning/questions/import/",
        {
            "org": world.branch_a.pk,
            "file": SimpleUploadedFile("q.xlsx", question_import.template()),
        },
        **client.headers,
    )
    assert good.status_code == 201 and good.json() == {"imported": 4}
    assert Question.objects.count() == 8
