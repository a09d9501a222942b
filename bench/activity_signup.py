"""Activity sign-ups over HTTP through gunicorn (issue #16 §6), on ``voice_submit``'s server,
database and CPU accounting (its module is imported: the small demo in ``dq_submit_bench``).

1. Throughput: ``POST /api/activities/{id}/sign-up/`` by distinct employees (each with their own
   token) for an activity without a limit, alternating with ``GET /healthz`` as in
   ``voice_submit.py``; reported as a ratio.
2. A burst: 500 other employees sign up for 100 places at the same moment (500 threads released
   by one barrier); the activity must end with exactly 100 confirmed and 400 waiting.

Employees ``bench_signup_N`` (linked to demo people without an account) and their tokens are made
once and kept; the activities are cancelled afterwards. Writes bench/results/activity_signup.json.
"""

import datetime
import http.client
import json
import os
import threading
import time
from datetime import timedelta

import voice_submit as base  # sets up Django on the bench database first
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dangqun.accounts.models import ApiToken, User
from dangqun.accounts.services import create_token
from dangqun.activities import organising
from dangqun.activities.models import Activity, ActivityKind, SignUpStatus
from dangqun.orgs.models import Org, System
from dangqun.people.models import Person

PER_ROUND = int(os.environ.get("BENCH_REQUESTS", "600"))  # sign-ups per round (distinct people)
BURST, PLACES = 500, 100
TITLE = "基准测试报名"


class SignUps(base.Case):
    answered = 200

    def __init__(self, port: int, session: int, activity: Activity, tokens: list[str]):
        super().__init__(port, "", session)
        self.activity, self.tokens = activity, tokens

    def request(self, conn, name):
        if name == "healthz":
            return super().request(conn, name)
        with self.lock:
            token = self.tokens[self.counter]
            self.counter += 1
        conn.request(
            "POST",
            f"/api/activities/{self.activity.pk}/sign-up/",
            body=b"{}",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        return response.status, response.read()


def employees(count: int) -> tuple[list[str], list[int]]:
    """Fresh tokens of ``count`` bench employees (the accounts are made once and kept, each
    linked to a demo person who had none)."""
    users = list(
        User.objects.filter(username__startswith="bench_signup_", person__isnull=False)[:count]
    )
    free = Person.objects.filter(account__isnull=True).order_by("pk")
    for person in list(free[: count - len(users)]):
        users.append(User.objects.create_user(username=f"bench_signup_{person.pk}", person=person))
    if len(users) < count:
        raise SystemExit(f"只有 {len(users)} 名可用员工，需要 {count} 名：请用更大的数据集")
    return [create_token(None, u, "activity_signup bench") for u in users], [u.pk for u in users]


def activity(capacity: int | None) -> Activity:
    organiser = User.objects.get(username="dangwei")
    org = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
    starts = timezone.now() + timedelta(days=10)
    made = organising.create(
        organiser,
        {
            "kind": ActivityKind.objects.get(code="volunteer"),
            "title": TITLE,
            "org": org,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "place": "基准测试地点",
            "capacity": capacity,
        },
    )
    return organising.publish(organiser, made)


def burst(port: int, target: Activity, tokens: list[str]) -> dict:
    gate, statuses = threading.Barrier(len(tokens)), []

    def one(token):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        gate.wait()
        conn.request(
            "POST",
            f"/api/activities/{target.pk}/sign-up/",
            body=b"{}",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        statuses.append(response.status)
        response.read()
        conn.close()

    threads = [threading.Thread(target=one, args=(t,)) for t in tokens]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    rows = list(target.signups.values_list("status", flat=True))
    return {
        "requests": len(tokens),
        "seconds": round(seconds, 2),
        "http_200": statuses.count(200),
        "other_statuses": sorted({s for s in statuses if s != 200}),
        "confirmed": rows.count(SignUpStatus.CONFIRMED),
        "waiting": rows.count(SignUpStatus.WAITING),
        "places": PLACES,
    }


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    base.submitter()  # seeds the small demo when the database is empty
    tokens, bench_users = employees(2 * PER_ROUND + BURST)
    open_one, limited = activity(None), activity(PLACES)
    connection.close()
    port = base.free_port()
    server = base.start_server(port, base.Path(os.environ["DANGQUN_DATA_DIR"]) / "signup-serve.log")
    measured = {"healthz": [], "sign_up": []}
    try:
        case = SignUps(port, server.pid, open_one, tokens[: 2 * PER_ROUND])
        for name in ("healthz", "sign_up", "healthz", "sign_up"):
            if name == "healthz":
                case.run(name, base.WARMUP)
            result = case.run(name, PER_ROUND)
            measured[name].append(result)
            print(
                f"{name:8s} {result['rps']:8.1f} req/s  p95 {result['p95_ms']} ms  "
                f"errors {result['errors']} {result['first_errors'][:1]}"
            )
        crowd = burst(port, limited, tokens[2 * PER_ROUND :])
        print("burst", crowd)
    finally:
        base.stop_server(server)
        for made in (open_one, limited):
            organising.cancel(User.objects.get(username="dangwei"), made, "基准测试结束")
        ApiToken.objects.filter(user_id__in=bench_users, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    cases = {
        "healthz": base.combine(measured["healthz"], "GET /healthz"),
        "sign_up": base.combine(measured["sign_up"], "POST /api/activities/{id}/sign-up/"),
    }
    results = {
        "what": "sign-up by distinct employees vs GET /healthz, same gunicorn, same run; a burst",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "workers": base.WORKERS,
        "concurrency": base.CONCURRENCY,
        "cases": cases,
        "ratio_throughput": round(cases["sign_up"]["rps"] / cases["healthz"]["rps"], 3),
        "burst": crowd,
    }
    base.RESULTS.mkdir(exist_ok=True)
    (base.RESULTS / "activity_signup.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    print("吞吐比 / ratio:", results["ratio_throughput"], " burst:", crowd)


if __name__ == "__main__":
    main()
