"""Measure 问卷调查's results on the current database (issue #18 §5), in-process like ``run.py``
(30 runs after a warm-up, median / p95 / queries, JSON in bench/results/surveys.json). Targets
(p95): a survey's results for the whole group ≤ 300 ms; for one unit ≤ 150 ms — the page and the
API, the newest wave of the pulse (with the trend over every wave); the 员工满意度指数 for every unit over
8 quarters ≤ 300 ms (page, API, and the xlsx). Made here and kept: a
群工管理员 over the group. Run after ``dangqun seed --scale large``."""

import json
import os
import sys

import run  # sets up Django first, as every bench script does
from django.db import connection
from django.db.models import Count

from dangqun.orgs.models import Org, System
from dangqun.surveys.models import Response, Survey

TARGETS = {"group": 300, "unit": 150, "index": 300}


def main() -> None:
    run.fresh_statistics()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM (ANALYZE) surveys_response, surveys_tally, surveys_participation"
            )
    survey = Survey.objects.filter(template="pulse").order_by("-wave").first()
    if survey is None or not Response.objects.filter(survey=survey).exists():
        sys.exit("没有问卷数据：请先运行 dangqun seed --scale large")
    root = Org.objects.filter(system=System.ENTERPRISE, depth=1).order_by("path").first()
    client = run.client_with("mass_admin", root, "bench_surveys")
    biggest = (
        Response.objects.filter(survey=survey)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    unit = biggest["unit"]
    cases = {
        "results page, whole group": (f"/surveys/{survey.pk}/results/", "group"),
        "results API, whole group": (f"/api/surveys/{survey.pk}/results/", "group"),
        "results page, largest unit": (f"/surveys/{survey.pk}/results/?unit={unit}", "unit"),
        "results API, largest unit": (f"/api/surveys/{survey.pk}/results/?unit={unit}", "unit"),
        "satisfaction index page, 8 quarters": ("/surveys/satisfaction/", "index"),
        "satisfaction index API, 8 quarters": ("/api/surveys/satisfaction-index/", "index"),
        "satisfaction index xlsx, 8 quarters": ("/surveys/satisfaction.xlsx", "index"),
        "satisfaction index page, largest unit": (f"/surveys/satisfaction/?unit={unit}", "index"),
    }
    results = {
        "database": connection.vendor,
        "responses": Response.objects.filter(survey=survey).count(),
        "waves": Survey.objects.filter(template="pulse", org=survey.org).count(),
        "targets_ms": TARGETS,
        "note": os.environ.get("BENCH_NOTE", ""),
        "cases": {},
    }
    for name, (url, target) in cases.items():
        results["cases"][name] = {**run.measure(client, url), "target_ms": TARGETS[target]}
        print(f"{name:32s} {results['cases'][name]}", flush=True)
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "surveys.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
