"""Measure 发展党员 on the large data set (20,000 cases under 5,000 branches): the pipeline board of
the group's 党委, of one company's 党委 and of a branch, and one case's page. Same method as
``run.py`` (in-process, 30 runs after a warm-up)."""

import json
import sys

import run  # sets up Django first, as every bench script does
from django.db import connection
from django.db.models import Count

from dangqun.development.models import OPEN, Assessment, Case, StepRecord
from dangqun.orgs.models import Org, System

TARGETS = {"party": 150, "company": 150, "branch": 150, "case": 150}


def main() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM (ANALYZE) development_case, development_steprecord, development_helper, "
                "development_assessment, development_branchvote"
            )
    cases = Case.objects.count()
    if cases < 10_000:
        sys.exit("发展党员太少：请先运行 dangqun seed_development（或 dangqun seed --scale large）")
    root = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
    open_cases = Case.objects.filter(status__in=OPEN)
    company = max(
        Org.objects.filter(system=System.PARTY, depth=2, kind="party_committee"),
        key=lambda org: open_cases.filter(branch__path__startswith=org.path).count(),
    )
    busiest = open_cases.values("branch").annotate(n=Count("pk")).order_by("-n", "branch").first()
    branch = Org.objects.get(pk=busiest["branch"])
    case = (
        Case.objects.filter(branch=branch).annotate(n=Count("records")).order_by("-n", "pk").first()
    )
    group = run.client_with("party_admin", root, "bench_dev_party")
    company_admin = run.client_with("party_admin", company, "bench_dev_company")
    secretary = run.client_with("branch_secretary", branch, "bench_dev_secretary")
    in_company = open_cases.filter(branch__path__startswith=company.path).count()
    pages = {
        f"党委 board, group, {open_cases.count():,} open cases": (
            f"/development/?org={root.pk}",
            group,
            "party",
        ),
        f"company 党委 board ({company.name}), {in_company:,} open cases": (
            f"/development/?org={company.pk}",
            company_admin,
            "company",
        ),
        f"branch board, {busiest['n']} open cases": (
            f"/development/?org={branch.pk}",
            secretary,
            "branch",
        ),
        f"case page, {case.n} steps done": (f"/development/{case.pk}/", secretary, "case"),
    }
    results = {
        "database": connection.vendor,
        "cases": cases,
        "open_cases": open_cases.count(),
        "step_records": StepRecord.objects.count(),
        "assessments": Assessment.objects.count(),
        "branches": Org.objects.filter(
            path__startswith=root.path, kind__in=["branch", "joint_branch"]
        ).count(),
        "company": company.name,
        "branch": branch.name,
        "targets_ms": TARGETS,
        "pages": {},
    }
    for name, (url, client, target) in pages.items():
        results["pages"][name] = {**run.measure(client, url), "target_ms": TARGETS[target]}
        print(f"{name:55s} {results['pages'][name]}")
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "development.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
