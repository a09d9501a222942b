"""Pinned query counts: lists and details cost the same with one row or many.

Per request: the token and its user (1), the caller's grants (1), then the count (lists) and the rows.
"""

import datetime

import pytest

from dangqun.api.tests.helpers import ApiClient
from dangqun.orgs import services as org_services
from dangqun.people import services as people_services


@pytest.fixture
def owner_client(world):
    from dangqun.accounts.services import create_token

    client = ApiClient(create_token(None, world.owner))
    client.get("/api/me/")  # first use of the token records when it was used (one UPDATE)
    return client


def add_crowd(world):
    """Forty more people in company A (half of them party members) and twenty more branches."""
    for n in range(20):
        org_services.create_org(
            None,
            parent=world.committee_a,
            name=f"甲公司第{n + 2}党支部",
            kind="branch",
            unit=world.dept_a,
        )
    for n in range(40):
        profile = None
        if n % 2:
            profile = {
                "branch": world.branch_a,
                "joined_on": datetime.date(2010, 7, 1),
                "full_member_on": datetime.date(2011, 7, 1),
                "floating_to": "深圳" if n % 4 == 1 else "",
            }
        people_services.create_person(
            None,
            {
                "employee_no": f"A1{n:03d}",
                "name": f"张{'一二三四五六七八九十'[n % 10]}{n}",
                "unit": world.dept_a,
                "gender": "MF"[n % 2],
                "phone": f"1390000{n:04d}",
            },
            profile,
        )


LISTS = [
    # token, grants, the scope's organisation ids, count, the page's ids, the page's rows
    ("/api/people/", {}, 6),
    ("/api/people/", {"q": "zs"}, 6),
    ("/api/people/", {"party": "1", "category": "employed", "left": "all"}, 6),
    ("/api/people/", {"org": "branch_a"}, 7),  # the org filter looks the organisation up
    ("/api/orgs/", {}, 4),
    ("/api/orgs/", {"system": "party", "active": "true"}, 4),
    ("/api/orgs/", {"parent": "committee_a"}, 5),  # the parent filter looks the parent up
]


def _params(world, params):
    return {k: getattr(world, v).pk if k in ("org", "parent") else v for k, v in params.items()}


@pytest.mark.parametrize("url, params, queries", LISTS, ids=lambda v: str(v))
def test_list_queries_do_not_grow_with_rows(
    world, owner_client, django_assert_num_queries, url, params, queries
):
    params = {**_params(world, params), "page_size": 200}
    with django_assert_num_queries(queries):
        few = owner_client.get(url, params)
    assert few.status_code == 200
    add_crowd(world)
    with django_assert_num_queries(queries):
        many = owner_client.get(url, params)
    assert many.status_code == 200
    assert len(many.json()["results"]) >= max(2, len(few.json()["results"]) + 1)


DETAILS = [
    # token, grants, the scope's organisation ids, the person
    (lambda w: f"/api/people/{w.zhang.pk}/", 4),  # a member: profile and branch joined in
    (lambda w: f"/api/people/{w.wang.pk}/", 4),  # not a member
    (lambda w: f"/api/people/{w.zhang.pk}/party-profile/", 4),
    (lambda w: f"/api/orgs/{w.committee_a.pk}/", 3),
    (lambda w: f"/api/orgs/{w.dept_a.pk}/", 3),
]


@pytest.mark.parametrize("url, queries", DETAILS)
def test_detail_queries(world, owner_client, django_assert_num_queries, url, queries):
    add_crowd(world)
    with django_assert_num_queries(queries):
        response = owner_client.get(url(world))
    assert response.status_code == 200


def test_me_queries(world, django_assert_num_queries):
    from dangqun.accounts.services import create_token

    client = ApiClient(create_token(None, world.member))
    client.get("/api/me/")
    with django_assert_num_queries(3):
        response = client.get("/api/me/")
    assert response.json()["id"] == world.zhang.pk
