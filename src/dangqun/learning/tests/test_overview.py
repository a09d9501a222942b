"""Who is short of the year's 学时: per sub-organisation rates for a 党委, names at a branch (by
拼音, never by shortfall), as of today from the roll-up or as of an earlier day from the entries;
who may read which; the xlsx; pinned queries."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from dangqun.core.models import AuditLog
from dangqun.learning import ledger, overview
from dangqun.learning.models import LedgerEntry, Source


@pytest.fixture
def year_done(world, held):
    """held's year fully counted: 张三 10, 李四 6 (branch A), 赵六 0 (branch B)."""
    year, _ = held
    ledger.refresh(year)
    return year


def test_a_committee_sees_rates_per_sub_organisation(world, year_done):
    shown = overview.overview(world.owner, world.committee_a, year_done)
    assert [r.org for r in shown.rows] == [world.branch_a]
    (row,) = shown.rows
    assert (row.members, row.completed, row.done, row.required) == (2, 0, 16, 64)
    assert row.owed == 22 + 26 and row.rate_text == "0.0%" and shown.short is None
    top = overview.overview(world.reader, world.committee_a, year_done)
    assert top.total.members == 2


def test_a_branch_sees_the_names_of_those_short_by_pinyin(world, year_done):
    LedgerEntry.objects.create(
        person=world.li, source=Source.EXAM, source_id=1, year=year_done,
        on=dt.date(year_done, 11, 1), hours=26, title="考试",
    )  # fmt: skip
    ledger.refresh(year_done)
    shown = overview.overview(world.owner, world.branch_a, year_done)
    assert [p.name for p in shown.short] == ["张三"]  # 李四 completed 32
    assert shown.short[0].owed == 22 and shown.total.completed == 1


def test_as_of_an_earlier_day_counts_only_entries_until_then(world, year_done):
    april = overview.overview(world.owner, world.branch_a, year_done, dt.date(year_done, 4, 30))
    assert {p.name: p.done for p in april.short} == {"张三": Decimal(6), "李四": Decimal(6)}
    assert april.so_far
    assert overview.chosen_day(year_done, "bad") == dt.date(year_done, 12, 31)
    assert overview.chosen_day(year_done, f"{year_done + 5}-01-01") == dt.date(year_done, 12, 31)


def test_who_may_read_which(world, year_done, make_user):
    with pytest.raises(PermissionDenied):
        overview.overview(world.outsider, world.committee_a, year_done)
    with pytest.raises(Http404):
        overview.chosen_org(world.outsider, str(world.committee_a.pk))
    with pytest.raises(Http404):
        overview.chosen_org(world.member, None)  # no role: nothing to read
    assert overview.chosen_org(world.owner, None) == world.committee_a
    with pytest.raises(Http404):
        overview.chosen_org(world.owner, str(world.dept_a.pk))  # not a party organisation


MATRIX = {"owner": 200, "reader": 200, "outsider": 404, "member": 404, "auditor": 404}


@pytest.mark.parametrize("who, status", MATRIX.items())
def test_permission_matrix_of_the_page(world, year_done, client, who, status):
    url = reverse("learning:overview") + f"?org={world.committee_a.pk}&year={year_done}"
    assert client.get(url).status_code == 302
    client.force_login(getattr(world, who))
    assert client.get(url).status_code == status
    assert (
        client.get(reverse("learning:overview_export") + url[url.index("?") :]).status_code
        == status
    )


def test_the_page_and_the_export(world, year_done, login):
    client = login(world.owner)
    page = client.get(reverse("learning:overview") + f"?org={world.branch_a.pk}&year={year_done}")
    html = page.content.decode()
    assert "尚未完成的党员（2 人）" in html and "张三" in html and "依据" in html
    body = client.get(
        reverse("learning:overview_export") + f"?org={world.branch_a.pk}&year={year_done}"
    ).content
    book = load_workbook(io.BytesIO(body))
    assert book["各组织"]["A3"].value == "甲公司综合部党支部"
    assert [c.value for c in book["尚未完成的党员"][2]][:2] == ["李四", "A0002"]  # 拼音 order
    assert AuditLog.objects.filter(action="learning.overview_export").count() == 1


def test_the_page_reads_a_fixed_number_of_queries(world, year_done, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.owner)
    url = reverse("learning:overview") + f"?org={world.committee_a.pk}&year={year_done}"
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    from dangqun.orgs import services as org_services

    for n in range(3):
        org_services.create_org(None, parent=world.committee_a, name=f"新支部{n}", kind="branch")
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(first)


def test_members_kept_directly_by_a_committee_have_their_own_row_and_names(world, year_done):
    from conftest import VALID_IDS
    from dangqun.people import services as people_services

    qian = people_services.create_person(
        None,
        {"employee_no": "A0009", "name": "钱七", "unit": world.company_a, "id_number": VALID_IDS[5]},
        {"branch": world.committee_a, "joined_on": dt.date(2019, 7, 1),
         "full_member_on": dt.date(2020, 7, 1)},
    )  # fmt: skip
    ledger.refresh(year_done)
    shown = overview.overview(world.owner, world.committee_a, year_done)
    assert [r.org for r in shown.rows] == [world.branch_a, world.committee_a]
    assert shown.rows[-1].members == 1 and shown.total.members == 3
    assert [p.name for p in shown.short] == [qian.name]


def test_this_years_overview_counts_only_those_still_members(world):
    from django.utils import timezone

    from dangqun.learning.models import Standing
    from dangqun.people import membership
    from dangqun.people.models import MemberEvent

    today = timezone.localdate()
    ledger.refresh(today.year)
    before = overview.overview(world.outsider, world.committee_b, today.year).total.members
    membership.record_member_event(
        world.outsider, world.zhao, MemberEvent.Type.TRANSFER_OUT, on=today,
        counterpart="外单位党委",
    )  # fmt: skip
    standing = Standing.objects.get(person=world.zhao, year=today.year)  # a member this year …
    assert standing.left_on == today
    after = overview.overview(world.outsider, world.committee_b, today.year)
    assert after.total.members == before - 1  # … but no longer one to remind
    assert world.zhao.pk not in {s.person_id for s in after.short or []}
