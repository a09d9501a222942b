"""The structure findings of the home page and an organisation's page over the API: scoped to the
caller's grants (or one visible sub-tree), each citing its rule."""

import datetime

import pytest

from dangqun.orgs.models import Term

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _terms_ending(world):
    """Each company's branch is at the end of its term: one finding (org.term_ending) each."""
    for branch in (world.branch_a, world.branch_b):
        Term.objects.create(
            org=branch,
            number=1,
            elected_on=world.today - datetime.timedelta(days=3 * 365 - 30),
            years=3,
            has_committee=False,
        )


def _by_org(response) -> dict[str, set[str]]:
    assert response.status_code == 200, response.content
    found: dict[str, set[str]] = {}
    for row in response.json()["findings"]:
        assert row["citation"] and row["text"] and row["title"]
        found.setdefault(row["org_name"], set()).add(row["rule"])
    return found


def test_the_owner_sees_the_findings_of_company_a_only(world, api):
    response = api(world.owner).get("/api/orgs/findings/")
    found = _by_org(response)
    assert found["甲公司综合部党支部"] == {"org.term_ending"}
    assert "乙公司生产部党支部" not in found
    body = response.json()
    assert body["count"] == len(body["findings"]) and body["orgs"] > 0


def test_one_sub_tree(world, api):
    response = api(world.outsider).get("/api/orgs/findings/", {"org": world.branch_b.pk})
    assert set(_by_org(response)) == {"乙公司生产部党支部"}
    assert response.json()["orgs"] == 1


@pytest.mark.parametrize(
    ("org", "expected"), [("branch_b", 404), ("nonsense", 400), ("99999999", 404)]
)
def test_a_sub_tree_outside_the_scope_or_no_id(world, api, org, expected):
    value = getattr(world, org).pk if hasattr(world, org) else org
    response = api(world.owner).get("/api/orgs/findings/", {"org": value})
    assert response.status_code == expected
    if expected == 400:
        assert response.json() == {"org": ["组织 ID 应为数字"]}


def test_without_organisations_in_sight_nothing_and_anonymous_not_at_all(world, api):
    assert api(world.member).get("/api/orgs/findings/").json() == {
        "orgs": 0,
        "count": 0,
        "findings": [],
    }
    assert api(None).get("/api/orgs/findings/").status_code == 401


def test_the_query_count_does_not_grow_with_the_organisations(
    world, api, django_assert_max_num_queries
):
    client = api(world.owner)
    with django_assert_max_num_queries(12):
        client.get("/api/orgs/findings/")
