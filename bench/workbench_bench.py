"""Measure the 工作台 (home page and ``GET /api/workbench/``) of each role on the current database:
the group's leader (as the demo 领导: leader over the enterprise and the party), the group's 党委
admin and mass-work admin, a branch secretary, a handler and an employee who is a member with
meetings. Same method as ``run.py`` (in-process, 30 runs after a warm-up). Targets from issue #14:
the group leader's p95 ≤ 150 ms with a query count that does not grow with the organisations, an
employee's ≤ 50 ms. Each slow card (``Card.slow``), which the page loads by HTMX after it has
answered, is measured at its own address too."""

import json
import os
import re
import sys

import run  # sets up Django first, as every bench script does
from django.db import connection
from django.db.models import Count
from django.test import Client

from dangqun.accounts.models import User
from dangqun.accounts.services import grant_role
from dangqun.life.models import Attendee
from dangqun.orgs.models import Org, System
from dangqun.people.models import Person
from dangqun.voices.models import Voice

TARGETS = {"leader": 150, "employee": 50, "work": 150}
# A slow card's place on the page (``Card.slow``): HTMX loads it from this address after the page.
PENDING = re.compile(r'id="pending-[^"]+" hx-get="([^"]+)"')


def leader_client(enterprise: Org, party: Org) -> Client:
    """A leader over the whole enterprise and its party tree, as the demo account 领导."""
    user, _ = User.objects.get_or_create(username="bench_leader", defaults={"first_name": "领导"})
    for org in (enterprise, party):
        if not user.grants.filter(role="leader", org=org).exists():
            grant_role(None, user, "leader", org)
    client = Client()
    client.force_login(user)
    return client


def employee_client() -> tuple[Client, str]:
    """An employee with no role whose person is on the most meetings' lists."""
    busiest = Attendee.objects.values("person").annotate(n=Count("pk")).order_by("-n").first()
    user, _ = User.objects.get_or_create(username="bench_employee", defaults={"first_name": "员工"})
    if user.person_id != busiest["person"]:
        user.person_id = busiest["person"]
        user.save(update_fields=["person"])
    client = Client()
    client.force_login(user)
    return client, f"{busiest['n']} meetings on their list"


def main() -> None:
    run.fresh_statistics()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) life_meetingtally, voices_voicetally, notices_notice")
    enterprise = Org.objects.filter(system=System.ENTERPRISE, depth=1).order_by("path").first()
    party = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
    if enterprise is None or party is None:
        sys.exit("没有数据：请先运行 dangqun seed")
    busiest = (
        Person.objects.filter(is_current_member=True)
        .values("party_branch")
        .annotate(n=Count("pk"))
        .order_by("-n", "party_branch")
        .first()
    )
    branch = Org.objects.get(pk=busiest["party_branch"])
    unit = (
        Voice.objects.exclude(handling_org=None)
        .values("handling_org")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    department = Org.objects.get(pk=unit["handling_org"]) if unit else enterprise
    leader = leader_client(enterprise, party)
    employee, employee_note = employee_client()
    clients = {
        "group leader": (leader, "leader"),
        "group 党委 admin": (run.client_with("party_admin", party, "bench_wb_party"), "work"),
        "group mass-work admin": (
            run.client_with("mass_admin", enterprise, "bench_wb_mass"),
            "work",
        ),
        "branch secretary": (
            run.client_with("branch_secretary", branch, "bench_wb_secretary"),
            "work",
        ),
        "handler": (run.client_with("handler", department, "bench_wb_handler"), "work"),
        f"employee ({employee_note})": (employee, "employee"),
    }
    results = {
        "database": connection.vendor,
        "orgs": Org.objects.count(),
        "branches": Org.objects.filter(kind__in=["branch", "joint_branch"]).count(),
        "voices": Voice.objects.count(),
        "targets_ms": TARGETS,
        "note": os.environ.get("BENCH_NOTE", ""),
        "cases": {},
    }
    for who, (client, target) in clients.items():
        for where, url in (("工作台", "/"), ("API", "/api/workbench/")):
            name = f"{who}, {where}"
            results["cases"][name] = {**run.measure(client, url), "target_ms": TARGETS[target]}
            print(f"{name:55s} {results['cases'][name]}", flush=True)
        for url in PENDING.findall(client.get("/").content.decode()):
            name = f"{who}, card {url.rstrip('/').rsplit('/', 1)[-1]}"
            results["cases"][name] = {**run.measure(client, url), "target_ms": None}
            print(f"{name:55s} {results['cases'][name]}", flush=True)
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "workbench.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
