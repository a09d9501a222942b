"""Measure 政策宣传 on the current database (issue #18 §5), in-process like ``run.py`` (30 runs after
a warm-up, median / p95 / queries, JSON in bench/results/publicity.json). Targets (p95): an
employee's list ≤ 50 ms; a reading page ≤ 30 ms; confirming a read ≤ 30 ms; an item's reach per
unit across the group ≤ 300 ms (the publisher's lists, which show each item's reach, are held to the
same). Run after ``dangqun seed --scale large`` (or ``rebuild_reach_tallies`` on an older set); not a test.

Made here and kept (marked by their names): an employee linked to the member with the most
receipts, and a 党务管理员 on the group 党委. Confirming is measured over the employee's 必读 items
they have not confirmed yet (each confirm is a first one; with fewer such items, later runs
repeat a confirm, which changes nothing and is cheaper — the result says how many were first)."""

import json
import os
import statistics
import sys
import time

import run  # sets up Django first, as every bench script does
from django.db import connection
from django.db.models import Count
from django.test import Client

from dangqun.accounts.models import User
from dangqun.orgs.models import Org, System
from dangqun.publicity import reading
from dangqun.publicity.models import Item, ReachTally, Receipt

TARGETS = {"list": 50, "read": 30, "confirm": 30, "reach": 300, "fragment": None}


def employee() -> tuple[User, Client]:
    busiest = Receipt.objects.values("person").annotate(n=Count("pk")).order_by("-n").first()
    user, _ = User.objects.get_or_create(username="bench_reader", defaults={"first_name": "职工"})
    if user.person_id != busiest["person"]:
        User.objects.filter(person_id=busiest["person"]).exclude(pk=user.pk).update(person=None)
        user.person_id = busiest["person"]
        user.save(update_fields=["person"])
    client = Client()
    client.force_login(user)
    return user, client


def time_confirms(user: User, client: Client) -> dict:
    waiting = list(reading.mine(user, "required").values_list("pk", flat=True)[: run.REPEAT + 1])
    if not waiting:
        return {"skipped": "该职工没有未确认的必读内容"}
    times, first = [], 0
    client.post(f"/publicity/{waiting[0]}/do/confirm/")  # warm-up
    for n in range(run.REPEAT):
        pk = waiting[1 + n] if 1 + n < len(waiting) else waiting[-1]
        first += 1 + n < len(waiting)
        start = time.perf_counter()
        response = client.post(f"/publicity/{pk}/do/confirm/")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "first_confirms": first,
        "repeat": run.REPEAT,
    }


def main() -> None:
    run.fresh_statistics()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) publicity_item, publicity_receipt")
    committee = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
    if committee is None or not Receipt.objects.exists():
        sys.exit("没有政策宣传数据：请先运行 dangqun seed --scale large")
    user, reader = employee()
    admin = run.client_with("party_admin", committee, "bench_publicity_admin")
    item = reading.mine(user).first()
    widest = (
        Item.objects.filter(org=committee, status="published", required=True)
        .order_by("-publish_at")
        .first()
    )
    cases = {
        "employee, my items": (reader, "/publicity/", "list"),
        "employee, unread": (reader, "/publicity/?show=unread", "list"),
        "employee, API my items": (reader, "/api/publicity/items/", "list"),
        "employee, reading page": (reader, f"/publicity/{item.pk}/", "read"),
        "group 党委, item's reach per unit": (admin, f"/publicity/manage/{widest.pk}/", "reach"),
        "group 党委, API reach": (admin, f"/api/publicity/items/{widest.pk}/reach/", "reach"),
        "group 党委, publisher's list": (admin, "/publicity/manage/", "reach"),
        "group 党委, API kept items": (admin, "/api/publicity/items/?kept=1", "reach"),
        # loaded by the item's page after itself (no target of the issue's; measured to be known)
        "group 党委, names not confirmed (fragment)": (
            admin,
            f"/publicity/manage/{widest.pk}/waiting/",
            "fragment",
        ),
    }
    results = {
        "database": connection.vendor,
        "items": Item.objects.count(),
        "receipts": Receipt.objects.count(),
        "reach_tally_rows": ReachTally.objects.count(),
        "widest_item_tally_rows": ReachTally.objects.filter(item=widest).count(),
        "targets_ms": TARGETS,
        "note": os.environ.get("BENCH_NOTE", ""),
        "cases": {},
    }
    for name, (client, url, target) in cases.items():
        results["cases"][name] = {**run.measure(client, url), "target_ms": TARGETS[target]}
        print(f"{name:40s} {results['cases'][name]}", flush=True)
    results["cases"]["employee, confirm 已阅读"] = {
        **time_confirms(user, reader),
        "target_ms": TARGETS["confirm"],
    }
    print(f"{'employee, confirm':40s} {results['cases']['employee, confirm 已阅读']}", flush=True)
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "publicity.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
