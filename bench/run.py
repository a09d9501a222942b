"""Measure server time and query count of the main pages on the current database.

Runs each request in-process through Django's test client (middleware, views, templates: the server's
work, without network), N times after a warm-up, and writes median / p95 / queries as JSON.
"""

import gc
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
from dangqun.accounts.roles import VIEW_PEOPLE  # noqa: E402
from dangqun.accounts.scope import Scope  # noqa: E402
from dangqun.accounts.services import create_token, grant_role  # noqa: E402
from dangqun.orgs.models import Kind, Org  # noqa: E402
from dangqun.people.models import PartyProfile, Person  # noqa: E402

RESULTS = Path(__file__).with_name("results")
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def bench_user(committee: Org, username: str = "bench") -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"first_name": "基准测试"})
    grant_role(None, user, "party_admin", committee)
    return user


def client_with(role: str, org: Org, username: str) -> Client:
    """A logged-in client for a bench user holding ``role`` on ``org`` (created once, kept)."""
    user, _ = User.objects.get_or_create(username=username, defaults={"first_name": "基准测试"})
    if not user.grants.filter(role=role, org=org).exists():
        grant_role(None, user, role, org)
    client = Client()
    client.force_login(user)
    return client


def measure(client: Client, url: str, headers: dict | None = None) -> dict:
    headers = headers or {}
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    times, queries = [], []
    gc.collect()  # garbage from the cases before must not be collected inside this one's timing
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
        "min_ms": round(times[0], 1),
        "max_ms": round(times[-1], 1),
        "queries": max(queries),
        "repeat": REPEAT,
    }


def fresh_statistics() -> None:
    """Measure on settled tables: after a seed or an import, PostgreSQL's visibility map and
    statistics lag behind, and index-only scans visit the heap."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) people_person, people_partyprofile, orgs_org")


def main() -> None:
    fresh_statistics()
    committee = Org.objects.filter(kind=Kind.PARTY_COMMITTEE, depth=1).first()
    if committee is None:
        sys.exit("没有数据：请先运行 dangqun seed --scale large")
    members = PartyProfile.objects.filter(
        branch__path__startswith=committee.path, left_on__isnull=True
    ).count()
    user = bench_user(committee)
    client = Client()
    client.force_login(user)
    token = create_token(None, user, "bench")
    person = Person.objects.filter(party_profile__isnull=False).order_by("pk")[5000]
    node = Org.objects.filter(kind=Kind.PARTY_COMMITTEE, depth=2).first()
    # A subsidiary's 党委: its scope is a filter on every row, not the whole group
    subsidiary = max(
        Org.objects.filter(kind=Kind.PARTY_COMMITTEE, depth=2),
        key=lambda org: Person.objects.filter(party_branch__path__startswith=org.path).count(),
    )
    sub_user = bench_user(subsidiary, "bench_sub")
    sub_client = Client()
    sub_client.force_login(sub_user)
    cases = {
        "people list, 党委 scope, page 200": "/people/?page=200",
        "people list, filtered + searched, page 200": "/people/?q=zh&status=cpc&page=200",
        "people list, searched by initials": "/people/?q=zhw",
        "people list, searched by one letter": "/people/?q=z",
        "people list, searched by a surname": "/people/?q=张",
        "people list, filtered, page 200": "/people/?status=cpc&party=1&page=200",
        "people list, 公司党委 scope, page 20": ("/people/?page=20", sub_client),
        "people list, 公司党委 scope, members searched": ("/people/?q=zh&party=1", sub_client),
        "tree node children": f"/orgs/{node.pk}/children/",
        "person page": f"/people/{person.pk}/",
        "API people list, page 200": "/api/people/?page=200",
        "API people list, page_size 200": "/api/people/?page_size=200&page=3",
        "API people list, searched": "/api/people/?q=zh&page=20",
    }
    results = {
        "database": connection.vendor,
        "people": Person.objects.count(),
        "members_in_scope": members,
        "subsidiary": subsidiary.name,
        "people_in_subsidiary_scope": Scope(sub_user).people(VIEW_PEOPLE).count(),
        "branches": Org.objects.filter(kind__in=[Kind.BRANCH, Kind.JOINT_BRANCH]).count(),
        "cases": {},
    }
    for name, case in cases.items():
        url, case_client = case if isinstance(case, tuple) else (case, client)
        headers = None
        if url.startswith("/api/"):
            headers, case_client = {"HTTP_AUTHORIZATION": f"Token {token}"}, Client()
        results["cases"][name] = measure(case_client, url, headers)
        print(f"{name:40s} {results['cases'][name]}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
