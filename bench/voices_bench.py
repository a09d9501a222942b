"""Measure the voice pages on the large data set (2,000,000 voices): a handler's inbox and the
三率 page for the whole group (read from the monthly tallies), and for one company (counted from its
voices). Same method as ``run.py`` (in-process, 30 runs after a warm-up).
"""

import datetime as dt
import json
import sys

import run  # sets up Django first, as every bench script does
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from dangqun.orgs.models import Org, System
from dangqun.voices.models import OPEN_STATUSES, Voice

TARGET_MS = 150


def main() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) voices_voice, voices_voiceevent, voices_voicetally")
    total = Voice.objects.count()
    if total < 100_000:
        sys.exit("群众呼声太少：请先运行 dangqun seed --scale large（或 dangqun seed_voices）")
    root = Org.objects.filter(system=System.ENTERPRISE, depth=1).order_by("path").first()
    busiest = (
        Voice.objects.filter(status__in=OPEN_STATUSES, handling_org__isnull=False)
        .values("handling_org")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    unit = Org.objects.get(pk=busiest["handling_org"])
    handler = run.client_with("handler", unit, "bench_handler")
    group = run.client_with("mass_admin", root, "bench_mass")
    today = timezone.localdate()
    year_ago = today.replace(day=1) - dt.timedelta(days=335)
    year = f"start={year_ago:%Y-%m}&end={today:%Y-%m}"
    company = (
        Org.objects.filter(system=System.ENTERPRISE, depth=2, path__startswith=root.path)
        .order_by("path")
        .first()
    )
    company_admin = run.client_with("mass_admin", company, "bench_company_mass")
    cases = {
        "handler inbox, open voices": ("/voices/", handler),
        "handler inbox, all, page 20": ("/voices/?show=all&page=20", handler),
        "group inbox, overdue": ("/voices/?overdue=1", group),
        "group 三率, this month": ("/voices/metrics/", group),
        "group 三率, 12 months by handling unit": (
            f"/voices/metrics/?{year}&by=handling_org",
            group,
        ),
        "group 三率, 12 months by month": (f"/voices/metrics/?{year}&by=month", group),
        "group 三率 trend (12 months, chart data)": ("/voices/metrics/trend.json", group),
        "company 三率, 12 months by handling unit (counted, no tallies)": (
            f"/voices/metrics/?{year}&by=handling_org",
            company_admin,
        ),
    }
    results = {
        "database": connection.vendor,
        "voices": total,
        "open_voices": Voice.objects.filter(status__in=OPEN_STATUSES).count(),
        "handler_unit": unit.name,
        "handler_unit_open": busiest["n"],
        "target_ms": TARGET_MS,
        "cases": {},
    }
    for name, (url, client) in cases.items():
        results["cases"][name] = run.measure(client, url)
        print(f"{name:45s} {results['cases'][name]}")
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "voices.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
