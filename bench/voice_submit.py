"""Voice submissions over HTTP through gunicorn, as a ratio to a trivial view on the same server.

Starts the production server (``dangqun serve``: gunicorn, its default sync workers, whitenoise, the
task consumer) on a free local port with DEBUG off, then drives it over real HTTP from C client
threads, alternating two cases (healthz, submit, healthz, submit) to even out drift:

- ``GET /healthz``: a view with no database and no session (the baseline);
- ``POST /api/voices/`` with ``Authorization: Token …``: a named voice from the demo employee.

Reports requests/s, median and p95 latency and errors per case, and submission ÷ healthz for
throughput and p95; writes bench/results/voice_submit.json.

Database: ``DATABASE_URL`` if set (migrated already; the voices made here are deleted afterwards,
their append-only audit rows stay); otherwise its own PostgreSQL database ``dq_submit_bench``,
created, migrated and seeded (small) when missing and left in place. The submitter is the seed's
demo employee ``yuangong``; on a database without demo accounts (the large seed) a user
``bench_submit`` is linked to an employee and kept. Data directory: ``DANGQUN_DATA_DIR`` (default
/tmp/dq-submit-bench); the server's output goes to voice_submit-serve.log there.

Also recorded per case: CPU ms per request of gunicorn, PostgreSQL, the client and the rest of the
machine (from /proc), and how busy the machine was; a machine busy before the run is warned about.

Knobs: BENCH_CONCURRENCY (8), BENCH_REQUESTS per round (2000), BENCH_WARMUP per round (100),
BENCH_WORKERS (DANGQUN_WORKERS, else 3 as ``dangqun serve``).
"""

import contextlib
import datetime
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

OWN_DATABASE = "dq_submit_bench"
OWN_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{OWN_DATABASE}"
PRE_EXISTING = bool(os.environ.get("DATABASE_URL"))
os.environ.setdefault("DATABASE_URL", OWN_DATABASE_URL)
os.environ.setdefault("DANGQUN_DATA_DIR", "/tmp/dq-submit-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangqun.settings")

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results")
VENV_BIN = Path(sys.executable).parent
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "100"))
WORKERS = int(os.environ.get("BENCH_WORKERS", os.environ.get("DANGQUN_WORKERS", "3")))
ROUNDS = ["healthz", "submit", "healthz", "submit"]
BENCH_TITLE = "基准测试呼声"  # every voice made here starts with this title (for the clean-up)


def create_own_database() -> None:
    """createdb dq_submit_bench unless it exists (only when DATABASE_URL was not given)."""
    done = subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", OWN_DATABASE],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 and "already exists" not in done.stderr:
        sys.exit(f"createdb {OWN_DATABASE} failed: {done.stderr.strip()}")
    print("created database" if done.returncode == 0 else "database exists", OWN_DATABASE)


if not PRE_EXISTING:
    create_own_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from dangqun.accounts.models import ApiToken, User  # noqa: E402
from dangqun.accounts.services import create_token, hash_token  # noqa: E402
from dangqun.orgs.models import System  # noqa: E402
from dangqun.people.models import Person  # noqa: E402
from dangqun.voices.models import Voice  # noqa: E402


def submitter() -> User:
    """The seed's demo employee ``yuangong`` (linked to a person in an enterprise unit). On an
    empty database, seed the small demo enterprise first; on a database with people but no
    demo accounts (the large seed), link a bench user to one of its employees."""
    user = User.objects.filter(username="yuangong", person__isnull=False).first()
    if user is not None:
        return user
    if not Person.objects.exists():
        call_command("seed", scale="small", seed=1)
        return User.objects.get(username="yuangong")
    user, _ = User.objects.get_or_create(
        username="bench_submit", defaults={"first_name": "基准测试"}
    )
    if user.person_id is None:
        person = (
            Person.objects.filter(unit__system=System.ENTERPRISE, account__isnull=True)
            .order_by("pk")
            .first()
        )
        if person is None:
            sys.exit("没有可关联的员工：请先运行 dangqun seed")
        user.person = person
        user.save(update_fields=["person"])
    return user


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DANGQUN_DEBUG="0",
        DANGQUN_ALLOWED_HOSTS="127.0.0.1,localhost",
        DANGQUN_HOST="127.0.0.1",
        DANGQUN_PORT=str(port),
        DANGQUN_WORKERS=str(WORKERS),
    )
    env.pop("DANGQUN_AXES_ENABLED", None)  # production: axes on
    log = log_path.open("w")
    server = subprocess.Popen(  # its own session: gunicorn and the consumer are its children
        [str(VENV_BIN / "dangqun"), "serve", "--no-migrate", "--workers", str(WORKERS)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"dangqun serve exited ({server.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    sys.exit(f"/healthz did not answer in 120 s:\n{log_path.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    """Ctrl-C to ``dangqun serve``: it stops gunicorn and the consumer (SIGTERM) and exits."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the session it was started in
            server.wait()
    with contextlib.suppress(ProcessLookupError):  # a child left behind would keep the port
        os.killpg(server.pid, signal.SIGTERM)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(session: int) -> dict[str, float]:
    """CPU time so far of the server's gunicorn processes, of the rest of its session (``dangqun
    serve`` itself, the task consumer) and of every PostgreSQL process, from /proc."""
    totals = {"gunicorn": 0.0, "serve_and_consumer": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        comm, fields = (
            stat[stat.index("(") + 1 : stat.rindex(")")],
            stat[stat.rindex(")") + 2 :].split(),
        )
        used = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        if int(fields[3]) == session:
            totals["gunicorn" if b"gunicorn" in cmdline else "serve_and_consumer"] += used
        elif comm.startswith("postgres") or cmdline.startswith(b"postgres"):
            totals["postgres"] += used
    return totals


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all processes and the kernel), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def idle_check() -> float:
    """Share of the machine busy during one quiet second before the run (other work skews it)."""
    before = busy_seconds()
    time.sleep(1)
    return round((busy_seconds() - before) / (os.cpu_count() or 1), 2)


class Case:
    answered = 201  # what a measured request answers when it worked (healthz: 200)

    def __init__(self, port: int, token: str, session: int):
        self.port = port
        self.token = token
        self.session = session
        self.counter = 0
        self.lock = threading.Lock()

    def request(self, conn: http.client.HTTPConnection, name: str) -> tuple[int, bytes]:
        if name == "healthz":
            conn.request("GET", "/healthz")
        else:
            with self.lock:
                self.counter += 1
                n = self.counter
            body = {
                "title": f"{BENCH_TITLE} {n}",
                "content": f"第 {n} 条：食堂晚餐供应时间建议延长到 19:30，方便加班的同事。"
                * (1 + n % 5),
                "identity": "named",
            }
            conn.request(
                "POST",
                "/api/voices/",
                body=json.dumps(body, ensure_ascii=False).encode(),
                headers={
                    "Authorization": f"Token {self.token}",
                    "Content-Type": "application/json; charset=utf-8",
                    "Accept": "application/json",
                },
            )
        response = conn.getresponse()
        return response.status, response.read()

    def run(self, name: str, total: int) -> dict:
        """``total`` requests from CONCURRENCY threads, each on its own connection (reopened when
        the server closes it: gunicorn's sync workers close after every response)."""
        expected = 200 if name == "healthz" else self.answered
        per_thread = [total // CONCURRENCY + (i < total % CONCURRENCY) for i in range(CONCURRENCY)]
        times: list[list[float]] = [[] for _ in range(CONCURRENCY)]
        errors: list[list[str]] = [[] for _ in range(CONCURRENCY)]
        start_line = threading.Barrier(CONCURRENCY + 1)

        def client(i: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            start_line.wait()
            for _ in range(per_thread[i]):
                began = time.perf_counter()
                try:
                    status, body = self.request(conn, name)
                except (OSError, http.client.HTTPException) as exc:
                    status, body = 0, repr(exc).encode()
                    conn.close()
                times[i].append((time.perf_counter() - began) * 1000)
                if status != expected:
                    errors[i].append(f"{status} {body[:200].decode(errors='replace')}")
            conn.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CONCURRENCY)]
        for thread in threads:
            thread.start()
        server_cpu = cpu_seconds(self.session)
        machine = busy_seconds()
        cpu = time.process_time()
        start_line.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        client_cpu = time.process_time() - cpu
        used = {k: v - server_cpu[k] for k, v in cpu_seconds(self.session).items()}
        used["client"] = client_cpu
        machine = busy_seconds() - machine
        used["other"] = max(0.0, machine - sum(used.values()))  # kernel, other processes
        latencies = sorted(t for per in times for t in per)
        failed = [e for per in errors for e in per]
        return {
            "requests": len(latencies),
            "seconds": round(wall, 2),
            "rps": round(len(latencies) / wall, 1),
            "median_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            "max_ms": round(latencies[-1], 1),
            "errors": len(failed),
            "first_errors": failed[:3],
            "cpu_ms_per_request": {k: round(v * 1000 / total, 2) for k, v in used.items()},
            "machine_busy": round(machine / wall / (os.cpu_count() or 1), 2),
            "_latencies": latencies,
        }


def percentile(ordered: list[float], p: float) -> float:
    return ordered[max(0, int(len(ordered) * p / 100 + 0.5) - 1)]


def combine(rounds: list[dict], url: str) -> dict:
    latencies = sorted(t for r in rounds for t in r.pop("_latencies"))
    seconds = sum(r["seconds"] for r in rounds)
    return {
        "url": url,
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "median_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(latencies[-1], 1),
        "errors": sum(r["errors"] for r in rounds),
        "machine_busy": round(sum(r["machine_busy"] for r in rounds) / len(rounds), 2),
        "cpu_ms_per_request": {
            k: round(sum(r["cpu_ms_per_request"][k] for r in rounds) / len(rounds), 2)
            for k in rounds[0]["cpu_ms_per_request"]
        },
        "rounds": rounds,
    }


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT 1")
        return str(cursor.fetchone()[0])


def main() -> None:
    began = time.perf_counter()
    if not PRE_EXISTING:
        call_command("migrate", interactive=False, verbosity=0)
    user = submitter()
    token = create_token(None, user, "voice_submit bench")
    first_new_pk = (Voice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    voices_before = Voice.objects.count()
    db_vendor, db_version = connection.vendor, database_version()
    connection.close()  # the server's workers use the database; this process only waits

    busy_before = idle_check()
    if busy_before > 0.1:
        print(
            f"注意 / warning: machine {busy_before:.0%} busy before the run; numbers will be skewed"
        )
    data_dir = Path(os.environ["DANGQUN_DATA_DIR"])
    port = free_port()
    server = None
    measured: dict[str, list[dict]] = {"healthz": [], "submit": []}
    try:
        server = start_server(port, data_dir / "voice_submit-serve.log")
        setup_s = time.perf_counter() - began
        print(
            f"server: dangqun serve on 127.0.0.1:{port}, {WORKERS} sync workers; "
            f"{CONCURRENCY} clients, {REQUESTS} requests per round after {WARMUP} warm-up"
        )
        case = Case(port, token, server.pid)
        for number, name in enumerate(ROUNDS, 1):
            case.run(name, WARMUP)
            result = case.run(name, REQUESTS)
            measured[name].append(result)
            print(
                f"round {number} {name:8s} {result['rps']:8.1f} req/s  median {result['median_ms']} ms"
                f"  p95 {result['p95_ms']} ms  errors {result['errors']}  "
                f"cpu ms/request {result['cpu_ms_per_request']}"
            )
            for error in result["first_errors"]:
                print("   ", error)
            cpu = result["cpu_ms_per_request"]
            if cpu["other"] > 0.1 * sum(cpu.values()):
                print("    注意 / warning: other processes used the CPU during this round")
    finally:
        if server is not None:
            stop_server(server)
        created = Voice.objects.filter(pk__gte=first_new_pk, title__startswith=BENCH_TITLE)
        made = created.count()
        ApiToken.objects.filter(key_hash=hash_token(token)).update(revoked_at=timezone.now())
        if PRE_EXISTING:  # leave the database as it was (audit rows are append-only and stay)
            created.delete()
        connection.close()

    cases = {
        "healthz": combine(measured["healthz"], "GET /healthz"),
        "submit": combine(measured["submit"], "POST /api/voices/"),
    }
    ratios = {
        "throughput": round(cases["submit"]["rps"] / cases["healthz"]["rps"], 3),
        "p95": round(cases["submit"]["p95_ms"] / cases["healthz"]["p95_ms"], 2),
    }
    results = {
        "what": "POST /api/voices/ (token, named) vs GET /healthz, same gunicorn, same run",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_model": cpu_model(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "server": {
            "command": "dangqun serve --no-migrate",
            "gunicorn_workers": WORKERS,
            "worker_class": "sync (gunicorn default, as dangqun serve)",
            "debug": False,
            "keep_alive": "no: sync workers close the connection after each response",
        },
        "machine_busy_before": busy_before,
        "database": db_vendor,
        "database_version": db_version,
        "database_was_given": PRE_EXISTING,
        "voices_before": voices_before,
        "voices_created": made,
        "voices_deleted_after": PRE_EXISTING,
        "concurrency": CONCURRENCY,
        "requests_per_round": REQUESTS,
        "warmup_per_round": WARMUP,
        "rounds": ROUNDS,
        "cases": cases,
        "ratios": ratios,
        "setup_seconds": round(setup_s, 1),
        "seconds": round(time.perf_counter() - began, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "voice_submit.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    h, s = cases["healthz"], cases["submit"]
    print(
        f"\nhealthz 基线 / baseline: {h['rps']} req/s, median {h['median_ms']} ms, "
        f"p95 {h['p95_ms']} ms, errors {h['errors']}\n"
        f"提交呼声 / submit:        {s['rps']} req/s, median {s['median_ms']} ms, "
        f"p95 {s['p95_ms']} ms, errors {s['errors']}\n"
        f"吞吐比 / throughput ratio (submit ÷ healthz): {ratios['throughput']}\n"
        f"p95 比 / p95 ratio (submit ÷ healthz): {ratios['p95']}\n"
        f"共用时 / total {results['seconds']} s → bench/results/voice_submit.json"
    )


if __name__ == "__main__":
    main()
