"""Confirming a 必读 item (已阅读) over HTTP through gunicorn (issue #18 §5), on ``voice_submit``'s
server, database and CPU accounting (its module is imported: the small demo in
``dq_submit_bench``).

``POST /api/publicity/items/{id}/confirm/`` by distinct employees (each with their own token; the
first confirm is the one that writes), alternating with ``GET /healthz`` as in
``voice_submit.py``; reported as a ratio. The employees are ``activity_signup``'s bench accounts;
those in the audience of the item 基准测试必读 (to 全体职工, no quiz: some accounts belong to people
no longer employed), made once per run and withdrawn afterwards.
Writes bench/results/publicity_confirm.json.
"""

import datetime
import json
import os

import voice_submit as base  # sets up Django on the bench database first
from activity_signup import employees
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dangqun.accounts.models import ApiToken, User
from dangqun.orgs.models import Org, System
from dangqun.publicity import items, services
from dangqun.publicity.models import Theme

PER_ROUND = int(os.environ.get("BENCH_REQUESTS", "600"))
TITLE = "基准测试必读"


class Confirms(base.Case):
    answered = 200

    def __init__(self, port: int, session: int, item_id: int, tokens: list[str]):
        super().__init__(port, "", session)
        self.item_id, self.tokens = item_id, tokens

    def request(self, conn, name):
        if name == "healthz":
            return super().request(conn, name)
        with self.lock:
            token = self.tokens[self.counter]
            self.counter += 1
        conn.request(
            "POST",
            f"/api/publicity/items/{self.item_id}/confirm/",
            body=b"{}",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        return response.status, response.read()


def item():
    publisher = User.objects.get(username="dangwei")
    org = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
    made = items.create(
        publisher,
        {
            "org": org,
            "kind": "notice",
            "theme": Theme.ensure_defaults()["规章制度"],
            "title": TITLE,
            "body": "请全体职工认真阅读并确认。",
            "required": True,
            "quiz_required": False,
            "pass_percent": 60,
            "pinned": False,
            "publish_at": None,
            "expires_at": None,
            "audience_who": "everyone",
        },
    )
    return items.publish(publisher, made)


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    base.submitter()  # seeds the small demo when the database is empty
    target = item()
    tokens, bench_users = employees(2 * PER_ROUND + 100)
    users = User.objects.in_bulk(bench_users)
    kept = [(t, pk) for t, pk in zip(tokens, bench_users, strict=True)
            if services.is_for(users[pk], target)][: 2 * PER_ROUND]  # fmt: skip
    tokens, bench_users = [t for t, _ in kept], [pk for _, pk in kept]
    connection.close()
    port = base.free_port()
    server = base.start_server(
        port, base.Path(os.environ["DANGQUN_DATA_DIR"]) / "confirm-serve.log"
    )
    measured = {"healthz": [], "confirm": []}
    try:
        case = Confirms(port, server.pid, target.pk, tokens)
        for name in ("healthz", "confirm", "healthz", "confirm"):
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
        items.withdraw(User.objects.get(username="dangwei"), target, "基准测试结束")
        ApiToken.objects.filter(user_id__in=bench_users, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    cases = {
        "healthz": base.combine(measured["healthz"], "GET /healthz"),
        "confirm": base.combine(measured["confirm"], "POST /api/publicity/items/{id}/confirm/"),
    }
    results = {
        "what": "confirming a 必读 item by distinct employees vs GET /healthz, same gunicorn, same run",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "workers": base.WORKERS,
        "concurrency": base.CONCURRENCY,
        "machine_busy_before": os.getloadavg()[0],
        "cases": cases,
        "ratio_throughput": round(cases["confirm"]["rps"] / cases["healthz"]["rps"], 3),
        "ratio_p95": round(cases["confirm"]["p95_ms"] / cases["healthz"]["p95_ms"], 2),
    }
    base.RESULTS.mkdir(exist_ok=True)
    (base.RESULTS / "publicity_confirm.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    print("吞吐比 / ratio:", results["ratio_throughput"], " p95 比:", results["ratio_p95"])


if __name__ == "__main__":
    main()
