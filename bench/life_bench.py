"""Measure 组织生活 on the large data set (5,000 branches, three years of meetings): the radar of
the group's 党委 and of one company's, a branch's year, and its meeting list. Same method as
``run.py`` (in-process, 30 runs after a warm-up)."""

import json
import sys

import run  # sets up Django first, as every bench script does
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from dangqun.life.models import Attendee, Meeting
from dangqun.orgs.models import Org, System

TARGETS = {"party": 1000, "branch": 100}


def main() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) life_meeting, life_attendee, life_standing")
    meetings = Meeting.objects.count()
    if meetings < 100_000:
        sys.exit("组织生活太少：请先运行 dangqun seed --scale large（或 dangqun seed_life）")
    root = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
    company = (
        Org.objects.filter(
            system=System.PARTY, depth=2, kind="party_committee", path__startswith=root.path
        )
        .order_by("path")
        .first()
    )
    busiest = (
        Meeting.objects.filter(org__kind="branch")
        .values("org")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    branch = Org.objects.get(pk=busiest["org"])
    year = timezone.localdate().year
    group = run.client_with("party_admin", root, "bench_party")
    company_admin = run.client_with("party_admin", company, "bench_company_party")
    secretary = run.client_with("branch_secretary", branch, "bench_secretary")
    branches = Org.objects.filter(
        path__startswith=root.path, kind__in=["branch", "joint_branch"]
    ).count()
    cases = {
        f"党委 radar, {branches:,} branches, this year": (
            f"/life/radar/?org={root.pk}&year={year}",
            group,
            "party",
        ),
        f"党委 radar, {branches:,} branches, last year": (
            f"/life/radar/?org={root.pk}&year={year - 1}",
            group,
            "party",
        ),
        f"company 党委 radar ({company.name}), this year": (
            f"/life/radar/?org={company.pk}&year={year}",
            company_admin,
            "party",
        ),
        "branch's year (radar)": (f"/life/radar/?org={branch.pk}&year={year}", secretary, "branch"),
        "branch's meetings, all, page 1": ("/life/?show=all", secretary, "branch"),
    }
    results = {
        "database": connection.vendor,
        "meetings": meetings,
        "attendance_rows": Attendee.objects.count(),
        "branches": branches,
        "branch": branch.name,
        "branch_meetings": busiest["n"],
        "targets_ms": TARGETS,
        "cases": {},
    }
    for name, (url, client, target) in cases.items():
        results["cases"][name] = {**run.measure(client, url), "target_ms": TARGETS[target]}
        print(f"{name:45s} {results['cases'][name]}")
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "life.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
