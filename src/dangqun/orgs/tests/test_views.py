"""Organisation pages: the tree, an organisation's page with its findings, lazy children."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.orgs import services
from dangqun.orgs.models import Term


def page(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_tree_shows_the_top_of_each_granted_subtree(login, world):
    html = page(login(world.owner), "/orgs/")
    assert "甲公司党委" in html and "甲公司" in html
    assert "乙公司党委" not in html and "集团党委" not in html


def test_tree_filtered_by_system(login, world):
    html = page(login(world.owner), "/orgs/?system=party")
    assert "甲公司党委" in html
    assert f'href="/orgs/{world.company_a.pk}/"' not in html


def test_tree_for_someone_without_organisations(login, world):
    assert "您没有可查看的组织" in page(login(world.member), "/orgs/")


def test_children_are_the_direct_children_only(login, world):
    services.create_org(None, parent=world.branch_a, name="第一党小组", kind="party_group")
    html = page(login(world.owner), f"/orgs/{world.committee_a.pk}/children/")
    assert "甲公司综合部党支部" in html and "第一党小组" not in html
    assert "<html" not in html  # a fragment for the tree


def test_org_page_shows_findings_with_citations_and_history(login, world):
    services.start_term(
        None, world.branch_a, elected_on=datetime.date(2000, 1, 1), has_committee=False
    )
    services.update_org(None, world.branch_a, name="综合党支部")
    html = page(login(world.owner), f"/orgs/{world.branch_a.pk}/")
    assert "第 1 届任期已于 2003-01-01 届满" in html
    assert "《关于党的基层组织任期的意见》" in html
    assert "更名" in html and "综合党支部" in html
    assert 'id="org-actions"' in html
    # rolled up to the parent
    html = page(login(world.owner), f"/orgs/{world.committee_a.pk}/")
    assert "下级组织共 1 条提醒" in html and "1 条提醒" in html


def test_org_page_for_a_reader_has_no_actions(login, world):
    html = page(login(world.reader), f"/orgs/{world.committee_a.pk}/")
    assert 'id="org-actions"' not in html


def test_ancestors_outside_scope_are_named_but_not_linked(login, world):
    html = page(login(world.owner), f"/orgs/{world.branch_a.pk}/")
    assert "集团党委" in html
    assert f'href="/orgs/{world.committee.pk}/"' not in html
    assert f'href="/orgs/{world.committee_a.pk}/"' in html


def test_a_dissolved_org_stays_readable(login, world):
    empty = services.create_org(None, parent=world.committee_a, name="已撤支部", kind="branch")
    services.dissolve_org(None, empty, on=datetime.date(2024, 1, 1))
    html = page(login(world.owner), f"/orgs/{empty.pk}/")
    assert "已于 2024年1月1日 撤销" in html
    assert 'id="org-actions"' not in html


def _warm_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _grow(world, n):
    """n more branches under company A's 党委, each with a term, a post and a finding."""
    for i in range(n):
        branch = services.create_org(
            None, parent=world.committee_a, name=f"增设支部{i}", kind="branch"
        )
        Term.objects.create(org=branch, number=1, elected_on=datetime.date(2000, 1, 1), years=3)
        services.appoint(
            None, branch, world.zhang, "secretary", started_on=datetime.date(2000, 1, 1)
        )


def test_org_page_query_count(login, world, django_assert_num_queries):
    services.start_term(
        None, world.branch_a, elected_on=datetime.date(2024, 1, 1), has_committee=False
    )
    client = login(world.owner)
    url = f"/orgs/{world.branch_a.pk}/"  # a leaf: nothing below it to load
    client.get(url)
    with django_assert_num_queries(14):  # 13 + the bell's unread count
        client.get(url)
    services.appoint(
        None, world.branch_a, world.zhang, "secretary", started_on=datetime.date(2024, 1, 1)
    )
    services.appoint(
        None, world.branch_a, world.li, "organisation", started_on=datetime.date(2024, 1, 1)
    )
    services.update_org(None, world.branch_a, name="新名称")
    with django_assert_num_queries(14):  # 13 + the bell's unread count
        client.get(url)


def test_org_page_query_count_does_not_grow_with_the_subtree(login, world):
    services.start_term(None, world.committee_a, elected_on=datetime.date(2024, 1, 1))
    client = login(world.owner)
    url = f"/orgs/{world.committee_a.pk}/"
    before = _warm_queries(client, url)
    _grow(world, 5)
    services.appoint(
        None, world.committee_a, world.zhang, "secretary", started_on=datetime.date(2024, 1, 1)
    )
    assert _warm_queries(client, url) == before


def test_children_query_count(login, world):
    client = login(world.owner)
    url = f"/orgs/{world.committee_a.pk}/children/"
    before = _warm_queries(client, url)
    _grow(world, 5)
    assert _warm_queries(client, url) == before == 5


def test_tree_query_count(login, world):
    client = login(world.owner)
    assert _warm_queries(client, "/orgs/") == 5  # 4 + the bell's unread count


@pytest.mark.parametrize("url", ["/orgs/{pk}/", "/orgs/{pk}/children/"])
def test_an_outsider_gets_404(login, world, url):
    assert login(world.outsider).get(url.format(pk=world.branch_a.pk)).status_code == 404
