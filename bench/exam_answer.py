"""Saving exam answers over HTTP through gunicorn (issue #17 §6), on ``voice_submit``'s server,
database and CPU accounting (its module is imported: the small demo in ``dq_submit_bench``).

``POST /api/learning/attempts/{id}/answer/`` by members in the middle of an exam (each with their
own token and attempt, every place of a 56-question paper in turn), alternating with
``GET /healthz`` as in ``voice_submit.py``; reported as a ratio. Members ``bench_exam_N`` (demo
members without an account) and the exam 基准测试考试（HTTP） are made once and kept; their
attempts are submitted afterwards. Writes bench/results/exam_answer.json.
"""

import datetime
import json
import os
from datetime import timedelta
from decimal import Decimal

import voice_submit as base  # sets up Django on the bench database first
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dangqun.accounts.models import ApiToken, User
from dangqun.accounts.services import create_token
from dangqun.learning import exams, papers
from dangqun.learning.exam_models import Attempt, Exam, Kind, Question
from dangqun.orgs.models import Org, System
from dangqun.people.models import Person

PER_ROUND = int(os.environ.get("BENCH_REQUESTS", "1000"))
MEMBERS = 40
TITLE = "基准测试考试（HTTP）"


class Answers(base.Case):
    answered = 200

    def __init__(self, port: int, session: int, sittings: list[tuple[str, int, list[dict]]]):
        super().__init__(port, "", session)
        self.sittings = sittings

    def request(self, conn, name):
        if name == "healthz":
            return super().request(conn, name)
        with self.lock:
            n = self.counter
            self.counter += 1
        token, attempt, bodies = self.sittings[n % len(self.sittings)]
        body = bodies[(n // len(self.sittings)) % len(bodies)]
        conn.request(
            "POST",
            f"/api/learning/attempts/{attempt}/answer/",
            body=json.dumps(body).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        return response.status, response.read()


def exam() -> Exam:
    found = Exam.objects.filter(title=TITLE).first()
    if found is not None:
        return found
    admin = User.objects.get(username="dangwei")
    committee = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
    bank_org = Question.objects.order_by("pk").first().org
    paper = papers.create(
        admin,
        bank_org,
        {
            "title": f"{TITLE}卷",
            "mode": "fixed",
            "questions": list(Question.objects.filter(org=bank_org).values_list("pk", flat=True)),
            "points": {k: 1 for k in Kind.values},
        },
    )
    now = timezone.now()
    return exams.create(
        admin,
        committee,
        {
            "title": TITLE,
            "paper": paper,
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=3650),
            "limit_minutes": 600,
            "attempts_allowed": 10,
            "pass_mark": Decimal(1),
            "partial_credit": False,
            "hours": Decimal(0),
            "audience_who": "members",
        },
    )


def members(count: int) -> list[User]:
    users = list(User.objects.filter(username__startswith="bench_exam_", person__isnull=False))
    free = Person.objects.filter(is_current_member=True, account__isnull=True).order_by("pk")
    for person in list(free[: count - len(users)]):
        users.append(User.objects.create_user(username=f"bench_exam_{person.pk}", person=person))
    return users[:count]


def sittings(target: Exam, users: list[User]) -> list[tuple[str, int, list[dict]]]:
    found = []
    for user in users:
        Attempt.objects.filter(exam=target, person_id=user.person_id).delete()
        attempt = exams.start(user, target)
        kinds = dict(
            Question.objects.filter(pk__in=[i["q"] for i in attempt.items]).values_list(
                "pk", "kind"
            )
        )
        bodies = [
            {"position": p, "text": "实事求是"}
            if kinds[item["q"]] == Kind.FILL
            else {"position": p, "choice": [0]}
            for p, item in enumerate(attempt.items)
        ]
        found.append((create_token(None, user, "exam_answer bench"), attempt.pk, bodies))
    return found


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    base.submitter()  # seeds the small demo when the database is empty
    target = exam()
    users = members(MEMBERS)
    sitting = sittings(target, users)
    connection.close()
    port = base.free_port()
    server = base.start_server(port, base.Path(os.environ["DANGQUN_DATA_DIR"]) / "exam-serve.log")
    measured = {"healthz": [], "answer": []}
    try:
        case = Answers(port, server.pid, sitting)
        for name in ("healthz", "answer", "healthz", "answer"):
            if name == "healthz":
                case.run(name, base.WARMUP)
            result = case.run(name, PER_ROUND)
            measured[name].append(result)
            print(
                f"{name:8s} {result['rps']:8.1f} req/s  p95 {result['p95_ms']} ms  "
                f"errors {result['errors']} {result['first_errors'][:1]}"
            )
    finally:
        base.stop_server(server)
        for user, (_, attempt, _) in zip(users, sitting, strict=True):
            exams.submit(user, attempt)
        ApiToken.objects.filter(user__in=users, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    cases = {
        "healthz": base.combine(measured["healthz"], "GET /healthz"),
        "answer": base.combine(measured["answer"], "POST /api/learning/attempts/{id}/answer/"),
    }
    results = {
        "what": "saving one exam answer (members mid-exam) vs GET /healthz, same gunicorn, same run",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "workers": base.WORKERS,
        "concurrency": base.CONCURRENCY,
        "machine_busy_before": os.getloadavg()[0],
        "cases": cases,
        "ratio_throughput": round(cases["answer"]["rps"] / cases["healthz"]["rps"], 3),
        "ratio_p95": round(cases["answer"]["p95_ms"] / cases["healthz"]["p95_ms"], 2),
    }
    base.RESULTS.mkdir(exist_ok=True)
    (base.RESULTS / "exam_answer.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    print("吞吐比 / ratio:", results["ratio_throughput"], " p95 比:", results["ratio_p95"])


if __name__ == "__main__":
    main()
