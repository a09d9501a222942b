"""Measure hot topics (``voices/topics.py``) on the large data set: a year of the whole group (the
target: ≤ 1 s), a month, 36 months and a company's year, through the 三率 page's fragment and the
API, each computed afresh (the Django cache cleared before every run) with the voices' words
stored; then the same served from the cache; then the first computation with no word stored at all
(every sampled voice segmented by jieba), and the time to store the words of every voice
(``dangqun index_voice_topics``).

Run on a copy of the large data set: it stores words, a bench user and its grant.
``BENCH_TOPICS_COLD=0`` keeps the previous run's first-computation and indexing figures.
"""

import datetime as dt
import gc
import json
import os
import statistics
import sys
import time

import run  # sets up Django first, as every bench script does
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangqun.core.dates import add_months
from dangqun.orgs.models import Org, System
from dangqun.voices import topic_words, topics
from dangqun.voices.models import TopicWords, Voice

TARGET_MS = 1000
COLD_RUNS = 3


def fresh(client, url: str, repeat: int = run.REPEAT, clear: bool = True) -> dict:
    """Median and p95 of ``repeat`` requests, the cache cleared before each (``clear``)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times, queries = [], []
    gc.collect()
    for _ in range(repeat):
        if clear:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
    times.sort()
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "min_ms": round(times[0], 1),
        "max_ms": round(times[-1], 1),
        "queries": max(queries),
        "repeat": repeat,
    }


def main() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) voices_voice, voices_topicwords")
    total = Voice.objects.count()
    if total < 100_000:
        sys.exit("群众呼声太少：请先运行 dangqun seed --scale large（或 dangqun seed_voices）")
    root = Org.objects.filter(system=System.ENTERPRISE, depth=1).order_by("path").first()
    company = (
        Org.objects.filter(system=System.ENTERPRISE, depth=2, path__startswith=root.path)
        .order_by("path")
        .first()
    )
    group = run.client_with("mass_admin", root, "bench_mass")
    company_admin = run.client_with("mass_admin", company, "bench_company_mass")
    month = timezone.localdate().replace(day=1)
    last = add_months(month, -1)  # the last whole month
    year = f"start={add_months(last, -11):%Y-%m}&end={last:%Y-%m}"
    api_year = f"from={add_months(last, -11):%Y-%m}&to={last:%Y-%m}"
    years = f"start={add_months(last, -35):%Y-%m}&end={last:%Y-%m}"
    start, end = add_months(last, -11), month
    in_year = Voice.objects.filter(
        submitted_at__gte=_aware(start), submitted_at__lt=_aware(end)
    ).count()
    results = {
        "database": connection.vendor,
        "voices": total,
        "voices_in_the_year": in_year,
        "sample": topics.SAMPLE,
        "target_ms": TARGET_MS,
        "load_average_before": [round(x, 1) for x in os.getloadavg()],
        "cases": {},
    }
    hot = "/voices/metrics/hot-topics/"

    if os.environ.get("BENCH_TOPICS_COLD", "1") == "0" and (run.RESULTS / "topics.json").exists():
        # keep the previous run's cold and indexing figures; measure the cases again
        earlier = json.loads((run.RESULTS / "topics.json").read_text())
        results.update({k: earlier[k] for k in ("cold_year_ms", "cold_words_stored", "index_all")})
    else:
        cold_and_index(results, group, f"{hot}?{year}")

    # 3. Computed afresh with the words stored, and 4. from the cache
    cases = {
        "group, a year (page fragment)": (f"{hot}?{year}", group, True),
        "group, a year (API)": (f"/api/voices/hot-topics/?{api_year}", group, True),
        "group, this month (page fragment)": (hot, group, True),
        "group, 36 months (page fragment)": (f"{hot}?{years}", group, True),
        "company, a year (page fragment)": (f"{hot}?{year}", company_admin, True),
        "group, a year, from the cache": (f"{hot}?{year}", group, False),
    }
    for name, (url, client, clear) in cases.items():
        results["cases"][name] = fresh(client, url, clear=clear)
        print(f"{name:40s} {results['cases'][name]}")
    cache.clear()
    body = group.get(f"/api/voices/hot-topics/?{api_year}").json()
    results["year_topics"] = [
        {k: t[k] for k in ("label", "voices", "previous", "trend")} for t in body["topics"]
    ]
    results["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "topics.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


def cold_and_index(results: dict, group, url: str) -> None:
    # 1. The first computation with no word stored: every sampled voice segmented
    cold = []
    for _ in range(COLD_RUNS):
        TopicWords.objects.all().delete()
        cache.clear()
        gc.collect()
        started = time.perf_counter()
        assert group.get(url).status_code == 200
        cold.append((time.perf_counter() - started) * 1000)
    results["cold_year_ms"] = [round(ms) for ms in cold]
    results["cold_words_stored"] = TopicWords.objects.count()
    print("cold, a year of the group:", results["cold_year_ms"], "ms")

    # 2. Storing every voice's words (the command after an import; the periodic task for new ones)
    TopicWords.objects.all().delete()
    started = time.perf_counter()
    stored = topic_words.fill_all()
    results["index_all"] = {
        "voices": stored,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print("index_voice_topics:", results["index_all"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) voices_topicwords")


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day))


if __name__ == "__main__":
    main()
