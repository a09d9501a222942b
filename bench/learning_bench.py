"""Measure 学习培训 on the current database (issue #17 §6), in-process like ``run.py`` (30 runs
after a warm-up, median / p95 / queries, JSON in bench/results/learning.json). Targets (p95): a
member's ledger ≤ 50 ms; the group 党委's "who is short" overview ≤ 300 ms. Also times one
year's ``ledger.rebuild`` (the nightly check) when BENCH_REBUILD=1.

Made here and kept (marked by their names): a leader over the group 党委 and an employee linked
to the member with the most ledger entries this year. Run after ``dangqun seed --scale large``.
"""

import json
import os
import sys
import time

import run  # sets up Django first, as every bench script does
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.learning import ledger
from dangqun.learning.models import LedgerEntry, Standing
from dangqun.orgs.models import Org, System

TARGETS = {"ledger": 50, "overview": 300}


def member_client(year: int) -> Client:
    busiest = (
        LedgerEntry.objects.filter(year=year)
        .values("person")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    user, _ = User.objects.get_or_create(username="bench_learner", defaults={"first_name": "党员"})
    if user.person_id != busiest["person"]:
        User.objects.filter(person_id=busiest["person"]).exclude(pk=user.pk).update(person=None)
        user.person_id = busiest["person"]
        user.save(update_fields=["person"])
    client = Client()
    client.force_login(user)
    return client


def main() -> None:
    run.fresh_statistics()
    year = timezone.localdate().year
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) learning_ledgerentry, learning_standing")
    committee = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
    if committee is None or not LedgerEntry.objects.filter(year=year).exists():
        sys.exit("没有学时数据：请先运行 dangqun seed --scale large")
    leader = run.client_with("leader", committee, "bench_learning_leader")
    member = member_client(year)
    first_branch = (
        Standing.objects.filter(year=year).values("branch").annotate(n=Count("pk")).order_by("-n")
    ).first()
    cases = {
        "member, my ledger this year": (member, "/learning/ledger/", "ledger"),
        "group 党委, who is short (today)": (
            leader,
            f"/learning/overview/?org={committee.pk}&year={year}",
            "overview",
        ),
        "group 党委, who is short (as of 30 June)": (
            leader,
            f"/learning/overview/?org={committee.pk}&year={year}&as_of={year}-06-30",
            "overview",
        ),
        "largest branch, names of those short": (
            leader,
            f"/learning/overview/?org={first_branch['branch']}&year={year}",
            "overview",
        ),
    }
    results = {
        "database": connection.vendor,
        "entries": LedgerEntry.objects.count(),
        "entries_this_year": LedgerEntry.objects.filter(year=year).count(),
        "standings_this_year": Standing.objects.filter(year=year).count(),
        "targets_ms": TARGETS,
        "note": os.environ.get("BENCH_NOTE", ""),
        "cases": {},
    }
    for name, (client, url, target) in cases.items():
        results["cases"][name] = {**run.measure(client, url), "target_ms": TARGETS[target]}
        print(f"{name:45s} {results['cases'][name]}", flush=True)
    if os.environ.get("BENCH_REBUILD"):
        started = time.monotonic()
        wrong = ledger.rebuild(year)
        results["rebuild_year_seconds"] = round(time.monotonic() - started, 1)
        results["rebuild_wrong"] = wrong
        print(f"rebuild {year}: {results['rebuild_year_seconds']} s, {wrong} wrong", flush=True)
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "learning.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
