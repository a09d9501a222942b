"""Home (the 工作台's counts and rule warnings for the user's scope; its cards by role in
``test_workbench``) and the audit search page."""

import datetime
import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangqun.core import audit
from dangqun.orgs import services as org_services
from dangqun.orgs.models import Term
from dangqun.people import services

PENDING = re.compile(r'id="pending-[^"]+" hx-get="([^"]+)" hx-trigger="load"')


def page(client, url, **headers):
    """The page; the 工作台 with its slow cards, which HTMX loads right after it (``Card.slow``)."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    for card in PENDING.findall(html):
        html += page(client, card)
    return html


def _warm_queries(client, url, uncached=False):
    client.get(url)
    if uncached:  # the structure findings are kept for ten minutes: count their computation
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def shown(html: str, number_id: str) -> str:
    """The figure a 工作台 number with ``number_id`` shows."""
    found = re.search(rf'id="{number_id}">\s*<div class="h2[^"]*">([^<]*)<', html)
    assert found, number_id
    return found.group(1)


def test_home_counts_the_scope(login, world):
    services.record_member_event(None, world.li, "lost_contact", on=datetime.date(2024, 1, 1))
    html = page(login(world.owner), "/")
    assert shown(html, "n-people-counts-1") == "3"  # 人员
    assert shown(html, "n-people-counts-2") == "2"  # 党员（在册）
    assert shown(html, "n-people-counts-3") == "1"  # 其中预备党员
    assert shown(html, "n-people-counts-4") == "1"  # 失联党员
    assert shown(html, "n-orgs-findings-1") == "4"  # 组织
    html = page(login(world.outsider), "/")
    assert shown(html, "n-people-counts-1") == "1"


def test_home_shows_rule_warnings_of_the_scope_only(login, world):
    Term.objects.create(
        org=world.branch_b,
        number=1,
        elected_on=datetime.date(2000, 1, 1),
        years=3,
        has_committee=False,
    )
    assert "乙公司生产部党支部" in page(login(world.outsider), "/")
    html = page(login(world.owner), "/")
    assert "当前范围内没有需要处理的提醒" in html
    assert "乙公司生产部党支部" not in html


def test_home_for_a_member_links_to_their_record(login, world):
    html = page(login(world.member), "/")
    assert "查看我的档案" in html
    assert 'id="card-people-counts"' not in html


def test_home_query_count_does_not_grow_with_the_tree(login, world):
    Term.objects.create(org=world.branch_a, number=1, elected_on=datetime.date(2000, 1, 1), years=3)
    client = login(world.owner)
    findings = "/workbench/card/orgs.findings/"
    before = _warm_queries(client, "/")  # with a term, so every query of the checks runs
    before_findings = _warm_queries(client, findings, uncached=True)
    for i in range(5):
        branch = org_services.create_org(
            None, parent=world.committee_a, name=f"支部{i}", kind="branch"
        )
        Term.objects.create(org=branch, number=1, elected_on=datetime.date(2000, 1, 1), years=3)
    # the 工作台 for a 党委 admin without its slow cards (test_workbench pins each role and card;
    # 28 when the page computed every card), the bell's count, whether they keep some
    # organisation's meetings (the keeping card); and the findings card computed
    assert _warm_queries(client, "/") == before == 9
    assert _warm_queries(client, findings, uncached=True) == before_findings == 9


def test_audit_page_lists_and_searches(login, world):
    audit.record(
        world.owner, "person.export", object_type="people.person", object_repr="导出人员 3 条"
    )
    client = login(world.auditor)
    html = page(client, "/audit/")
    assert "person.export" in html and "导出人员 3 条" in html
    assert '<td data-label="动作">导出人员<div' in html  # its Chinese name, then its code
    assert "导出人员 3 条" in page(client, "/audit/?action=导出")  # by words of the name
    assert "导出人员 3 条" not in page(client, "/audit/?action=查看")
    assert "导出人员" in page(client, "/audit/?actor=own")
    assert "导出人员" not in page(client, "/audit/?actor=reader")
    assert "导出人员" in page(client, "/audit/?action=person.")
    assert "导出人员" not in page(client, "/audit/?action=org.")
    today = timezone.localdate()  # the audit page filters by the site's calendar day
    assert "导出人员" in page(client, f"/audit/?start={today:%Y-%m-%d}&end={today:%Y-%m-%d}")


def test_audit_page_htmx_gets_the_rows_only(login, world):
    html = page(login(world.auditor), "/audit/?action=org.", HX_Request="true")
    assert "<html" not in html and "org.create" in html


def test_audit_page_query_count_does_not_grow(login, world):
    client = login(world.auditor)
    before = _warm_queries(client, "/audit/")
    for i in range(30):
        audit.record(world.owner, "test.row", object_repr=f"第 {i} 行")
    assert _warm_queries(client, "/audit/") == before == 6  # 5 + the bell's unread count


def test_audit_page_shows_no_id_numbers(login, world):
    from conftest import VALID_IDS

    services.reveal_id_number(world.owner, world.zhang)
    html = page(login(world.auditor), "/audit/")
    assert "person.reveal_id_number" in html
    assert VALID_IDS[1] not in html


def test_healthz_answers_without_login_or_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
