"""People pages: list (search, filters, HTMX partial), person page, reveal, export, corrections."""

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import VALID_IDS
from dangqun.accounts.roles import VIEW_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core.models import AuditLog
from dangqun.orgs import services as org_services
from dangqun.people import services, views


def page(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_the_scope_only(login, world):
    html = page(login(world.owner), "/people/")
    assert all(name in html for name in ("张三", "李四", "王五"))
    assert "赵六" not in html
    assert "共 3 人" in html
    html = page(login(world.outsider), "/people/")
    assert "赵六" in html and "张三" not in html


def test_list_never_shows_id_numbers(login, world):
    html = page(login(world.owner), "/people/")
    for number in VALID_IDS:
        assert number not in html


def test_list_search_and_filters(login, world):
    client = login(world.owner)
    assert "共 1 人" in page(client, "/people/?q=zs")
    assert "张三" in page(client, "/people/?q=zs")
    assert "李四" not in page(client, "/people/?q=zs")
    assert "共 1 人" in page(client, "/people/?status=cpc_probationary")
    html = page(client, f"/people/?org={world.branch_a.pk}&party=1")
    assert "共 2 人" in html and world.branch_a.name in html
    # an organisation outside the scope gives nothing rather than its people
    assert "共 0 人" in page(client, f"/people/?org={world.branch_b.pk}")


def test_htmx_request_gets_only_the_results(login, world):
    client = login(world.owner)
    full = page(client, "/people/?q=zs")
    partial = page(client, "/people/?q=zs", HX_Request="true")
    assert "<html" in full and 'id="people-filters"' in full
    assert "<html" not in partial and 'id="people-filters"' not in partial
    assert "张三" in partial and "共 1 人" in partial


def test_boosted_htmx_navigation_gets_the_full_page(login, world):
    html = page(login(world.owner), "/people/", HX_Request="true", HX_Boosted="true")
    assert "<html" in html


@pytest.fixture
def lone_branch(world, make_user):
    """A branch in no unit, with one member, and its secretary: a scope of exactly its members."""
    branch = org_services.create_org(
        None, parent=world.committee_a, name="离退休党支部", kind="branch"
    )
    secretary = make_user("lone", role="branch_secretary", org=branch)

    def add(count):
        for _ in range(count):
            n = add.made = add.made + 1
            services.create_person(
                None,
                {
                    "employee_no": f"R{n:04d}",
                    "name": f"退休{n}",
                    "unit": world.dept_a,
                    "gender": "F",
                },
                {
                    "branch": branch,
                    "joined_on": datetime.date(1980, 1, 1),
                    "full_member_on": datetime.date(1981, 1, 1),
                },
            )

    add.made = 0
    add(1)
    return secretary, add


def _queries(client, url, **headers):
    client.get(url, headers=headers)  # warm caches that live across requests (rule overrides)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


def test_list_query_count_does_not_grow_with_people(login, world, lone_branch):
    secretary, add = lone_branch
    client = login(secretary)
    one, html = _queries(client, "/people/")
    assert "共 1 人" in html
    add(29)
    thirty, html = _queries(client, "/people/")
    assert "共 30 人" in html
    # session, user, grants, the scope's organisation ids, count, the page's ids, the page's rows,
    # the bell's unread count
    assert one == thirty == 8


def test_list_query_count_with_search_filters_and_htmx(
    login, world, lone_branch, django_assert_num_queries
):
    secretary, add = lone_branch
    add(29)
    client = login(secretary)
    url = "/people/?q=tx&party=1&standing=&status=cpc"
    client.get(url)
    # session, user, grants, the scope's organisation ids, the first ids (count and page), rows
    with django_assert_num_queries(6):
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    branch = secretary.grants.get().org
    url = f"/people/?org={branch.pk}&page=1"
    client.get(url)
    with django_assert_num_queries(9):  # unsearched: count and page ids; + the organisation, bell
        assert client.get(url).status_code == 200


def test_person_page(login, world):
    html = page(login(world.owner), f"/people/{world.zhang.pk}/")
    assert "张三" in html
    assert world.zhang.id_number_masked in html
    assert VALID_IDS[1] not in html
    assert 'id="reveal-id"' in html and 'id="person-actions"' in html
    assert "甲公司综合部党支部" in html and "入党" in html and "转正" in html


def test_person_page_for_a_reader_has_no_reveal_and_no_actions(login, world):
    html = page(login(world.reader), f"/people/{world.zhang.pk}/")
    assert world.zhang.id_number_masked in html
    assert 'id="reveal-id"' not in html and 'id="person-actions"' not in html


def test_person_page_keeps_the_history_of_a_member_who_left(login, world):
    services.record_member_event(
        None, world.li, "transfer_out", on=world.today, counterpart="某区委组织部"
    )
    html = page(login(world.owner), f"/people/{world.li.pk}/")
    assert "转出" in html and "某区委组织部" in html and "入党" in html


def test_person_page_query_count(login, world, django_assert_num_queries):
    client = login(world.owner)
    url = f"/people/{world.zhang.pk}/"
    client.get(url)
    with django_assert_num_queries(11):  # 10 + the bell's unread count
        client.get(url)
    # more history does not mean more queries
    for on in (datetime.date(2020, 1, 1), datetime.date(2021, 1, 1)):
        services.record_member_event(None, world.zhang, "lost_contact", on=on)
        services.record_member_event(None, world.zhang, "contact_restored", on=on)
    org_services.appoint(
        None, world.branch_a, world.zhang, "secretary", started_on=datetime.date(2020, 1, 1)
    )
    with django_assert_num_queries(11):  # 10 + the bell's unread count
        client.get(url)


def test_reveal_returns_the_number_and_writes_an_audit_row(login, world):
    client = login(world.owner)
    response = client.post(
        f"/people/{world.zhang.pk}/reveal-id/", HTTP_X_REQUEST_ID="reveal-1", REMOTE_ADDR="10.0.0.8"
    )
    assert response.status_code == 200
    assert VALID_IDS[1] in response.content.decode()
    row = AuditLog.objects.get(action="person.reveal_id_number")
    assert (row.actor, row.object_id) == (world.owner, str(world.zhang.pk))
    assert (row.request_id, row.ip) == ("reveal-1", "10.0.0.8")


def test_a_refused_reveal_shows_nothing_and_writes_nothing(login, world):
    response = login(world.reader).post(f"/people/{world.zhang.pk}/reveal-id/")
    assert response.status_code == 403
    assert VALID_IDS[1] not in response.content.decode()
    assert not AuditLog.objects.filter(action="person.reveal_id_number").exists()


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_export_has_the_scoped_rows_with_masked_ids_and_is_audited(login, world):
    response = login(world.owner).get("/people/export.xlsx?party=1")
    header, rows = _sheet(response)
    assert header[:2] == ("工号", "姓名")
    id_column = header.index("公民身份号码")
    assert [r[1] for r in rows] == ["张三", "李四"]
    assert response["X-Row-Count"] == "2"
    for row in rows:
        assert "*" * 11 in row[id_column]
    text = repr(rows)
    for number in VALID_IDS:
        assert number not in text
    assert "赵六" not in text
    audit = AuditLog.objects.get(action="person.export")
    assert audit.actor == world.owner
    assert audit.after == {"filters": {"party": "1"}, "rows": 2}


def test_export_of_the_whole_scope(login, world):
    _header, rows = _sheet(login(world.outsider).get("/people/export.xlsx"))
    assert [r[1] for r in rows] == ["赵六"]


def test_export_query_count_does_not_grow(login, world, lone_branch):
    secretary, add = lone_branch
    client = login(secretary)
    client.get("/")  # the first request of a session stores last_seen
    with CaptureQueriesContext(connection) as one:
        client.get("/people/export.xlsx")
    add(29)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get("/people/export.xlsx")
    assert len(_sheet(response)[1]) == 30
    # session, user, grants, the scope's organisation ids, rows, audit row in a savepoint
    assert len(one) == len(thirty) == 8


def test_my_record(login, world):
    html = page(login(world.member), "/people/me/")
    assert "张三" in html and "申请更正本人信息" in html


def test_my_record_names_my_branch_and_links_it_only_for_those_who_may_open_it(login, world):
    """An employee may not open the branch's page (it answers 404): name it, do not link it."""
    link = f'href="/orgs/{world.branch_a.pk}/"'
    mine = page(login(world.member), "/people/me/")
    assert "甲公司综合部党支部" in mine and link not in mine
    assert login(world.member).get(f"/orgs/{world.branch_a.pk}/").status_code == 404
    assert link in page(login(world.owner), f"/people/{world.zhang.pk}/")


def test_my_record_without_a_linked_person(login, world):
    response = login(world.owner).get("/people/me/", follow=True)
    assert "尚未关联人员档案" in response.content.decode()


def test_asking_for_a_correction_through_the_page(login, world):
    client = login(world.member)
    response = client.post(
        f"/people/{world.zhang.pk}/correction/",
        {"phone": "13911112222", "reason": "换号"},
        follow=True,
    )
    assert "更正申请已提交" in response.content.decode()
    assert world.zhang.corrections.get().changes == {"phone": "13911112222"}
    response = client.post(
        f"/people/{world.zhang.pk}/correction/", {"phone": "1", "reason": ""}, follow=True
    )
    assert "请说明更正理由" in response.content.decode()
    assert world.zhang.corrections.count() == 1


def test_corrections_page_lists_what_the_checker_may_check(login, world):
    services.request_correction(world.member, world.zhang, {"phone": "13911112222"}, "换号")
    assert "13911112222" in page(login(world.owner), "/people/corrections/")
    assert "13911112222" not in page(login(world.outsider), "/people/corrections/")


def test_reviewing_through_the_page(login, world):
    request = services.request_correction(
        world.member, world.zhang, {"phone": "13911112222"}, "换号"
    )
    client = login(world.owner)
    response = client.post(
        f"/people/corrections/{request.pk}/review/", {"decision": "reject"}, follow=True
    )
    assert "退回时请填写理由" in response.content.decode()
    client.post(f"/people/corrections/{request.pk}/review/", {"decision": "approve"})
    client.post(f"/people/corrections/{request.pk}/review/", {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved"
    # an outsider cannot even find the request
    assert (
        login(world.outsider)
        .post(f"/people/corrections/{request.pk}/review/", {"decision": "approve"})
        .status_code
        == 404
    )


def test_a_search_matching_too_many_asks_to_be_narrowed(login, world, lone_branch, monkeypatch):
    secretary, add = lone_branch
    add(12)  # 退休1 … 退休12: pinyin "tx"
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 10)
    client = login(secretary)
    html = page(client, "/people/?q=tx&page=9")
    assert "超过 10 人，仅列出前 10 人" in html
    assert "第 2 / 2 页" in html  # page 9 is past the end: the last page of the first ten
    assert "退休10" in html and "退休11" not in html
    in_scope = Scope(secretary).people(VIEW_PEOPLE)
    matching = in_scope.filter(name__contains="退休1").count()  # 退休1, 退休10 … 退休12, …
    assert 4 <= matching <= 10
    html = page(client, "/people/?q=退休1")
    assert re.findall(r'result-count">([^<]*)', html) == [f"共 {matching} 人"]
    html = page(client, "/people/")  # no search: always the exact count
    assert re.findall(r'result-count">([^<]*)', html) == [f"共 {in_scope.count()} 人"]
