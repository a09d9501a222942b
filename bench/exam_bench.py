"""Measure exams on the current database (issue #17 §6), in-process like ``run.py``. Targets
(p95, PostgreSQL, large data set): saving one answer during an exam ≤ 30 ms; grading a
100-question paper ≤ 50 ms; importing 5,000 questions ≤ 10 s. JSON in bench/results/exams.json.

Made here and kept (marked by their names): a party admin ``bench_exam_admin`` over the 党委
with the biggest question bank, an examinee ``bench_examinee`` linked to one of its members, and
an open exam 基准测试考试 with a fixed 100-question paper from that bank. Each run starts a new
attempt (the exam allows many); the 5,000 imported questions are deleted after each import.
"""

import datetime as dt
import gc
import json
import os
import statistics
import sys
import time
from decimal import Decimal

import run  # sets up Django first, as every bench script does
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.accounts.services import grant_role
from dangqun.learning import exams, papers, question_import
from dangqun.learning.exam_models import Answer, Attempt, Exam, Kind, Question
from dangqun.orgs.models import Org
from dangqun.people.models import Person
from dangqun.seed.exams import QUESTIONS

TARGETS = {"answer": 30, "grade": 50, "import_seconds": 10}
TITLE = "基准测试考试"
IMPORTED = 5000
REPEAT = 30


def timings(times: list[float], queries: list[int] | None = None) -> dict:
    times = sorted(times)
    found = {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "min_ms": round(times[0], 1),
        "max_ms": round(times[-1], 1),
        "repeat": len(times),
    }
    if queries:
        found["queries"] = max(queries)
    return found


def setting() -> tuple[Org, User, User, Exam]:
    biggest = Question.objects.values("org").annotate(n=Count("pk")).order_by("-n").first()
    if biggest is None or biggest["n"] < 100:
        sys.exit("没有足够的试题：请先运行 dangqun seed --scale large")
    org = Org.objects.get(pk=biggest["org"])
    admin, _ = User.objects.get_or_create(
        username="bench_exam_admin", defaults={"first_name": "基准"}
    )
    if not admin.grants.filter(role="party_admin", org=org).exists():
        grant_role(None, admin, "party_admin", org)
    examinee = User.objects.filter(username="bench_examinee").first()
    if examinee is None:
        person = (
            Person.objects.filter(
                is_current_member=True,
                party_branch__path__startswith=org.path,
                account__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        examinee = User.objects.create_user(username="bench_examinee", person=person)
    exam = Exam.objects.filter(title=TITLE, org=org).first()
    if exam is None:
        chosen = list(
            Question.objects.filter(org=org, active=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:100]
        )
        paper = papers.create(
            admin,
            org,
            {
                "title": f"{TITLE}卷",
                "mode": "fixed",
                "questions": chosen,
                "points": {k: 1 for k in Kind.values},
            },
        )
        now = timezone.now()
        exam = exams.create(
            admin,
            org,
            {
                "title": TITLE,
                "paper": paper,
                "opens_at": now - dt.timedelta(hours=1),
                "closes_at": now + dt.timedelta(days=3650),
                "limit_minutes": 600,
                "attempts_allowed": 10,
                "pass_mark": Decimal(60),
                "partial_credit": True,
                "hours": Decimal(0),
                "audience_who": "members",
            },
        )
    return org, admin, examinee, exam


def fresh_attempt(examinee: User, exam: Exam) -> Attempt:
    """Submit what the examinee left open, then start a new attempt (the exam allows ten:
    older bench attempts are removed first)."""
    done = Attempt.objects.filter(exam=exam, person_id=examinee.person_id)
    if done.count() >= exam.attempts_allowed:
        Answer.objects.filter(attempt__in=done).delete()
        done.delete()
    for left in done.filter(submitted_at__isnull=True):
        exams.submit(examinee, left.pk)
    return exams.start(examinee, exam)


def body(attempt: Attempt, position: int) -> dict:
    item = attempt.items[position]
    if item["order"] is None and Question.objects.get(pk=item["q"]).kind == Kind.FILL:
        return {"position": position, "text": "实事求是"}
    return {"position": position, "choice": [position % 2]}


def answer_saving(examinee: User, exam: Exam) -> tuple[dict, Attempt]:
    client = Client()
    client.force_login(examinee)
    attempt = fresh_attempt(examinee, exam)
    url = f"/api/learning/attempts/{attempt.pk}/answer/"
    bodies = [body(attempt, p) for p in range(len(attempt.items))]
    first = client.post(url, bodies[0], content_type="application/json")
    assert first.status_code == 200, first.content
    times, queries = [], []
    gc.collect()
    for n in range(len(bodies)):  # every place once: new answers, then changes below
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.post(url, bodies[n], content_type="application/json")
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content
        queries.append(len(ctx.captured_queries))
    return {"url": url, "answers_per_attempt": len(bodies), **timings(times, queries)}, attempt


def grading(attempt: Attempt) -> dict:
    attempt = Attempt.objects.select_related("exam").get(pk=attempt.pk)
    times, queries = [], []
    exams.grade(attempt)
    gc.collect()
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            exams.grade(attempt)
            times.append((time.perf_counter() - began) * 1000)
        queries.append(len(ctx.captured_queries))
    return {"questions": len(attempt.items), "score": str(attempt.score), **timings(times, queries)}


def import_file() -> bytes:
    rows = []
    for n in range(IMPORTED):
        kind, stem, options, answer, explanation, tags, level = QUESTIONS[n % len(QUESTIONS)]
        question = Question(
            kind=kind,
            stem=f"{stem}（导入基准 {n}）",
            options=options,
            answer=answer,
            explanation=explanation,
            tags=tags,
            difficulty=level,
        )
        rows.append(question_import.row_of(question))
    return question_import.workbook(rows)


def importing(admin: User, org: Org) -> dict:
    data = import_file()
    runs = []
    for _ in range(3):
        upload = SimpleUploadedFile("题库导入基准.xlsx", data)
        began = time.perf_counter()
        checked = question_import.import_upload(admin, org, upload)
        runs.append(round(time.perf_counter() - began, 2))
        assert checked.ok, (checked.file_error, [str(e) for e in checked.errors[:3]])
        Question.objects.filter(org=org, stem__contains="（导入基准 ").delete()
    return {
        "questions": IMPORTED,
        "file_kb": len(data) // 1024,
        "seconds": runs,
        "max_seconds": max(runs),
    }


def main() -> None:
    run.fresh_statistics()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) learning_attempt, learning_answer, learning_question")
    org, admin, examinee, exam = setting()
    results = {
        "database": connection.vendor,
        "questions": Question.objects.count(),
        "exams": Exam.objects.count(),
        "attempts": Attempt.objects.count(),
        "answers": Answer.objects.count(),
        "targets": TARGETS,
        "note": os.environ.get("BENCH_NOTE", ""),
        "cases": {},
    }
    saving, attempt = answer_saving(examinee, exam)
    results["cases"]["save one answer (POST …/answer/)"] = {
        **saving,
        "target_ms": TARGETS["answer"],
    }
    results["cases"]["grade a 100-question paper"] = {
        **grading(attempt),
        "target_ms": TARGETS["grade"],
    }
    exams.submit(examinee, attempt.pk)
    results["cases"]["import 5,000 questions (xlsx)"] = {
        **importing(admin, org),
        "target_seconds": TARGETS["import_seconds"],
    }
    for name, case in results["cases"].items():
        print(f"{name:40s} {case}", flush=True)
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "exams.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
