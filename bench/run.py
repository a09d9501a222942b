"""Measure server time and query count of the main pages on the current database.

Runs each request in-process through Django's test client (middleware, views, templates: the server's
work, without network), N times after a warm-up, and writes median / p95 / queries as JSON.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangqun.settings")
os.environ.setdefault("DANGQUN_AXES_ENABLED", "0")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dangqun.accounts.models import User  # noqa: E402
from dangqun.accounts.services import create_token, grant_role  # noqa: E402
from dangqun.orgs.models import Kind, Org  # noqa: E402
from dangqun.people.models import PartyProfile, Person  # noqa: E402

RESULTS = Path(__file__).with_name("results")
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def bench_user(committee: Org) -> User:
    user, _ = User.objects.get_or_create(username="bench", defaults={"first_name": "基准测试"})
    grant_role(None, user, "party_admin", committee)
    return user


def measure(client: Client, url: str, headers: dict | None = None) -> dict:
    headers = headers or {}
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    times, queries = [], []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, **headers)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
    times.sort()
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": max(queries),
        "repeat": REPEAT,
    }


def main() -> None:
    committee = Org.objects.filter(kind=Kind.PARTY_COMMITTEE, depth=1).first()
    if committee is None:
        sys.exit("没有数据：请先运行 dangqun seed --scale large")
    members = PartyProfile.objects.filter(branch__path__startswith=committee.path).count()
    user = bench_user(committee)
    client = Client()
    client.force_login(user)
    token = create_token(None, user, "bench")
    person = Person.objects.filter(party_profile__isnull=False).order_by("pk")[5000]
    node = Org.objects.filter(kind=Kind.PARTY_COMMITTEE, depth=2).first()
    cases = {
        "people list, 党委 scope, page 200": "/people/?page=200",
        "people list, filtered + searched": "/people/?q=zh&status=cpc&page=2",
        "people list, filtered, page 200": "/people/?status=cpc&party=1&page=200",
        "tree node children": f"/orgs/{node.pk}/children/",
        "person page": f"/people/{person.pk}/",
        "API people list, page 200": "/api/people/?page=200",
        "API people list, page_size 200": "/api/people/?page_size=200&page=3",
    }
    results = {
        "database": connection.vendor,
        "people": Person.objects.count(),
        "members_in_scope": members,
        "branches": Org.objects.filter(kind__in=[Kind.BRANCH, Kind.JOINT_BRANCH]).count(),
        "cases": {},
    }
    for name, url in cases.items():
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if url.startswith("/api/") else None
        api_client = Client() if headers else client
        results["cases"][name] = measure(api_client, url, headers)
        print(f"{name:40s} {results['cases'][name]}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
