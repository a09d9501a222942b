"""群众呼声's figures over the API: the same numbers as the 统计 page for the same period and viewer
(counted over the voices, or read from an enterprise's tallies), read by the same people, a
refused period explained (400), and a fixed number of queries."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangqun.core.models import AuditLog
from dangqun.voices import figures, tally
from dangqun.voices.figures import COLUMNS, HOURS, RATE
from dangqun.voices.metrics import GROUPS
from dangqun.voices.models import Voice

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
METRICS, TREND, EXPORT, HOT = (
    "/api/voices/metrics/",
    "/api/voices/metrics/trend/",
    "/api/voices/metrics/export/",
    "/api/voices/hot-topics/",
)
MARCH = {"from": "2025-03", "to": "2025-03"}
PAGE_MARCH = {"start": "2025-03", "end": "2025-03"}


@pytest.fixture
def mass(world, make_user):
    """Mass-work admin over company A: reads 三率, 受理, 交办."""
    return make_user("mass", role="mass_admin", org=world.company_a)


@pytest.fixture
def handler(world, make_user):
    return make_user("handler", role="handler", org=world.dept_a)


@pytest.fixture
def users(world, mass, make_user):
    return {
        "owner": mass,
        "reader": world.reader,  # the leader reads company A's voices
        "outsider": make_user("mass_b", role="mass_admin", org=world.company_b),
        "party_admin": world.owner,  # no 查看 over voices
        "member": world.member,
    }


def step(api, user, voice_id, name, data=None):
    response = api(user).post(f"/api/voices/{voice_id}/{name}/", data or {})
    assert response.status_code == 200, response.content.decode()


@pytest.fixture
def march(world, api, mass, handler):
    """Four voices 张三 raised over the API in March 2025, handled through the API's steps:
    满意, 基本满意, one 待响应 and one 待受理 (响应率 50%, 满意率 47.5%, composite 49%)."""
    ids = []
    for n in range(4):
        response = api(world.member).post(
            "/api/voices/", {"title": f"食堂排队{n}", "content": "午餐排队时间太长"}
        )
        assert response.status_code == 201, response.content.decode()
        ids.append(response.json()["id"])
    assign = {"handling_org": world.dept_a.pk, "urgency": "normal"}
    for voice_id, rating in ((ids[0], "satisfied"), (ids[1], "basically")):
        step(api, mass, voice_id, "assign", assign)
        step(api, handler, voice_id, "respond")
        step(api, handler, voice_id, "answer", {"text": "已增加窗口", "solved": "1"})
        step(api, world.member, voice_id, "rate", {"rating": rating})
    step(api, mass, ids[2], "assign", assign)
    Voice.objects.update(submitted_at=dt.datetime(2025, 3, 10, 10, tzinfo=SHANGHAI))
    tally.rebuild()  # the voices moved to March around Voice.save
    return ids


def cell(value, kind) -> str:
    """A number as the page writes it."""
    if value is None:
        return "—"
    if kind == RATE:
        return f"{value * 100:.2f}%"
    if kind == HOURS:
        return f"{value:.1f}"
    return str(value)


def as_page_shows(row: dict) -> dict:
    return {
        "label": row["label"],
        "cells": [cell(row[field], kind) for _, field, kind, _ in COLUMNS],
    }


def page_rows(response) -> tuple[list, dict]:
    def plain(row):
        return {"label": row["label"], "cells": [text for text, _ in row["cells"]]}

    return [plain(r) for r in response.context["rows"]], plain(response.context["total"])


@pytest.mark.parametrize("viewer", ["company", "group"])
def test_the_numbers_are_the_pages(client, api, world, mass, make_user, march, viewer):
    """Company A's admin is counted over the voices; the group's reads the group's tallies."""
    user = mass if viewer == "company" else make_user("mass_g", role="mass_admin", org=world.group)
    assert (figures.counted(user)[1] is not None) == (viewer == "group")
    client.force_login(user)
    caller = api(user)
    for by in GROUPS:
        page = client.get("/voices/metrics/", {**PAGE_MARCH, "by": by})
        data = caller.get(METRICS, {**MARCH, "by": by}).json()
        rows, total = page_rows(page)
        assert [as_page_shows(row) for row in data["rows"]] == rows, by
        assert as_page_shows(data["total"]) == total, by
        assert data["total"]["valid"] == 4
        assert data["period"] == {
            "start": "2025-03",
            "end": "2025-03",
            "by": by,
            "by_label": page.context["period"].by_label,
            "label": "2025年3月",
            "partial": False,
            "through": "2025-03-31",
        }


def test_the_rates_are_numbers_with_the_rule(api, world, mass, march):
    data = api(mass).get(METRICS, {**MARCH, "by": "handling_org"}).json()
    total = data["total"]
    assert (total["key"], total["label"]) == (None, "合计")
    assert (total["response_rate"], total["satisfaction_rate"], total["composite"]) == (
        0.5,
        0.475,
        0.49,
    )
    assert {row["label"]: row["key"] for row in data["rows"]} == {
        "甲公司综合部": world.dept_a.pk,
        "未交办": None,
    }
    assert "0.1×响应率" in data["rule"]["formula"] and data["rule"]["weights"]["response"] == 0.1


def test_the_trend_is_the_pages(client, api, mass, march):
    client.force_login(mass)
    page = client.get("/voices/metrics/trend.json", {"months": 36}).json()
    data = api(mass).get(TREND, {"months": 36}).json()
    assert len(data["months"]) == 36
    assert [(m["key"], m["valid"], m["composite"]) for m in data["months"]] == [
        (m["key"], m["valid"], m["composite"]) for m in page["months"]
    ]
    assert len(api(mass).get(TREND).json()["months"]) == 12


def test_the_trend_marks_this_month_as_partial_like_the_page(client, api, mass, march):
    """The page draws this month dashed as 本月截至今日; the API says the same of its last row."""
    client.force_login(mass)
    today = timezone.localdate()
    page = client.get("/voices/metrics/trend.json", {"months": 36}).json()
    data = api(mass).get(TREND, {"months": 36}).json()

    months = data["months"]
    assert [m["partial"] for m in months] == [m["partial"] for m in page["months"]]
    assert [m["partial"] for m in months] == [False] * 35 + [True]
    assert (months[-1]["key"], months[-1]["through"]) == (f"{today:%Y-%m}", today.isoformat())
    march_row = next(m for m in months if m["key"] == "2025-03")
    assert (march_row["partial"], march_row["through"]) == (False, "2025-03-31")
    assert months[-2]["through"] == (today.replace(day=1) - dt.timedelta(days=1)).isoformat()
    assert data["so_far"] == page["so_far"]
    assert data["so_far"]["through"] == today.isoformat()


@pytest.mark.parametrize(("months", "partial"), [("this", True), ("march", False)])
def test_a_period_with_this_month_is_marked_partial(api, mass, march, months, partial):
    today = timezone.localdate()
    query = MARCH if months == "march" else {"from": "2025-03", "to": f"{today:%Y-%m}"}
    period = api(mass).get(METRICS, query).json()["period"]
    assert period["partial"] is partial
    assert period["through"] == (today.isoformat() if partial else "2025-03-31")


def test_the_export_is_the_pages_table_and_is_audited(client, api, mass, march):
    response = api(mass).get(EXPORT, {**MARCH, "by": "handling_org"})
    assert response.status_code == 200
    assert response["Content-Type"] == figures.XLSX
    assert "voice-metrics-202503-202503.xlsx" in response["Content-Disposition"]
    client.force_login(mass)
    page = client.get("/voices/metrics/export.xlsx", {**PAGE_MARCH, "by": "handling_org"})

    def cells(content):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return list(sheet.iter_rows(values_only=True))

    assert cells(response.content) == cells(page.content)
    logs = AuditLog.objects.filter(action="voices.export", actor=mass)
    assert logs.count() == 2 and logs.first().after["rows"] == 2


def test_hot_topics_of_the_month_in_scope(api, world, mass, users):
    for n in range(3):
        api(world.member).post(
            "/api/voices/", {"title": "食堂排队", "content": f"尊敬的领导：食堂排队太久{n}"}
        )
    data = api(mass).get(HOT).json()
    today = timezone.localdate()
    assert data["period"]["start"] == f"{today:%Y-%m}-01"
    assert data["total"] == 3 and data["sampled"] is False
    [topic] = data["topics"]
    assert "食堂排队" in topic["label"] and topic["voices"] == 3 and topic["trend"] == "new"
    assert "尊敬" not in topic["label"] and "领导" not in topic["label"]
    representative = Voice.objects.get(pk=topic["representative"]["id"])
    assert representative.title == topic["representative"]["title"] == "食堂排队"
    assert api(users["outsider"]).get(HOT).json()["topics"] == []


def test_hot_topics_of_any_period_and_organisation(api, world, mass, users, make_user):
    def add(unit, title, content, day):
        Voice.objects.create(
            title=title,
            content=content,
            unit=unit,
            query_code_hash=f"{unit.pk}-{title}-{day}",
            submitted_at=dt.datetime(2025, 3, day, 10, tzinfo=SHANGHAI),
        )

    for day in range(1, 5):
        add(world.dept_a, "食堂饭菜太咸", "食堂的饭菜太咸了", day)
        add(world.dept_b, "宿舍热水不足", "宿舍热水器坏了", day)
    group = make_user("group_mass", role="mass_admin", org=world.group)
    days = {"since": "2025-03-01", "until": "2025-03-10"}
    data = api(group).get(HOT, days).json()
    assert data["period"] == {"start": "2025-03-01", "end": "2025-03-10", "label": days_label()}
    assert data["previous_period"]["start"] == "2025-02-19" and data["total"] == 8
    assert len(data["topics"]) == 2
    only_b = api(group).get(HOT, {**days, "org": world.company_b.pk}).json()
    [hot_water] = only_b["topics"]
    assert "宿舍热水器" in hot_water["label"] and "宿舍热水、" not in hot_water["label"]
    assert api(group).get(HOT, MARCH).json()["total"] == 8
    # company A's admin: company B's voices are not theirs, nor is company B to choose
    assert "宿舍" not in str(api(mass).get(HOT, days).json())
    assert api(mass).get(HOT, {**days, "org": world.company_b.pk}).status_code == 404
    refused = api(group).get(HOT, {"since": "2025-03-10", "until": "2025-03-01"})
    assert refused.status_code == 400
    assert refused.json()["period"] == ["开始日期不能晚于结束日期"]
    for bad in ("x", "²", "99999999999999999999", "0"):
        assert api(group).get(HOT, {"org": bad}).json()["org"] == ["组织编号应为正整数"], bad


def days_label():
    return "2025-03-01 至 2025-03-10"


def test_hot_topics_take_a_fixed_number_of_queries(api, world, mass, django_assert_num_queries):
    def add(n):
        Voice.objects.create(
            title="食堂饭菜太咸",
            content=f"食堂的饭菜太咸了{n}",
            unit=world.dept_a,
            query_code_hash=f"q{n}",
            submitted_at=dt.datetime(2025, 3, 1 + n, 10, tzinfo=SHANGHAI),
        )

    client = api(mass)
    add(0)
    client.get(HOT, MARCH)  # stores the words
    for n in range(1, 6):
        add(n)
    figures.cache.clear()
    # token, grants, the scope's organisations, the ids of both periods, their words, storing
    # the new ones' (3), the representatives' titles
    with django_assert_num_queries(9):
        assert client.get(HOT, MARCH).json()["total"] == 6
    figures.cache.clear()
    with django_assert_num_queries(6):
        assert client.get(HOT, MARCH).json()["total"] == 6
    with django_assert_num_queries(3):  # cached for the scope and period
        assert client.get(HOT, MARCH).json()["total"] == 6


# Who may read them ------------------------------------------------------------------------------
ROLES = ["anonymous", "outsider", "reader", "owner", "party_admin", "member"]


@pytest.mark.parametrize("url", [METRICS, TREND, EXPORT, HOT])
@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [401, 200, 200, 200, 403, 403], strict=True)),
)
def test_permission_matrix(api, users, url, role, expected):
    user = users.get(role)
    audit_before = AuditLog.objects.filter(action="voices.export").count()
    response = api(user).get(url, MARCH if url in (METRICS, EXPORT) else None)
    assert response.status_code == expected, response.content.decode()
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == "Token"
    if expected == 403:
        assert response.json()["detail"] == "您没有查看群众呼声统计的权限"
    exported = AuditLog.objects.filter(action="voices.export").count() - audit_before
    assert exported == (url == EXPORT and expected == 200)


@pytest.mark.parametrize("role, valid", [("outsider", 0), ("reader", 4), ("owner", 4)])
def test_each_reader_counts_their_own_scope(api, users, march, role, valid):
    assert api(users[role]).get(METRICS, MARCH).json()["total"]["valid"] == valid
    months = api(users[role]).get(TREND, {"months": 36}).json()["months"]
    assert sum(month["valid"] for month in months) == valid


# A refused period -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2025-13", "to": "2025-03"}, "月份格式不正确（应如 2025-03）"),
        ({"from": "2025-04", "to": "2025-03"}, "开始月份不能晚于结束月份"),
        ({"from": "0001-01", "to": "9999-12"}, "月份超出可统计的范围"),
        ({"from": "2020-01", "to": "2025-12"}, "统计区间不能超过 36 个月，请缩短区间"),
        ({**MARCH, "by": "nonsense"}, "分组方式应为"),
    ],
)
@pytest.mark.parametrize("url", [METRICS, EXPORT])
def test_a_bad_period_is_refused_with_the_reason(api, mass, url, query, message):
    response = api(mass).get(url, query)
    assert response.status_code == 400
    assert response.json()["period"][0].startswith(message)
    assert not AuditLog.objects.filter(action="voices.export").exists()


@pytest.mark.parametrize("months", ["0", "37", "many", "-1"])
def test_a_bad_number_of_months_is_refused(api, mass, months):
    response = api(mass).get(TREND, {"months": months})
    assert response.status_code == 400
    assert response.json()["months"] == ["月数应为 1—36 的整数"]


def test_a_full_date_stands_for_its_month(api, mass, march):
    data = api(mass).get(METRICS, {"from": "2025-03-15", "to": "2025-04-02"}).json()
    assert data["period"]["label"] == "2025年3月 至 2025年4月"
    assert data["total"]["valid"] == 4


# Queries ----------------------------------------------------------------------------------------
def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "viewer, url, params, expected",
    [
        # token, grants, scope paths, one aggregate, the groups' names
        ("company", METRICS, {**MARCH, "by": "handling_org"}, 5),
        # token, grants, scope paths, the tallies, voices late right now, the groups' names
        ("group", METRICS, {**MARCH, "by": "handling_org"}, 6),
        # token, grants, scope paths, one aggregate
        ("company", TREND, {"months": 36}, 4),
        # as the table, and the audit row in a savepoint
        ("company", EXPORT, {**MARCH, "by": "handling_org"}, 8),
    ],
)
def test_queries_are_pinned_and_do_not_grow(
    api, world, mass, make_user, march, viewer, url, params, expected
):
    user = mass if viewer == "company" else make_user("mass_g", role="mass_admin", org=world.group)
    client = api(user)
    queries(client, url, params)  # the first call also notes when the token was used
    assert queries(client, url, params) == expected
    more = [
        Voice(
            title=f"更多{n}",
            content="…",
            query_code_hash=f"more-{n}",
            unit=world.dept_a,
            handling_org=world.dept_a if n % 2 else None,
            submitted_at=dt.datetime(2025, 3, 20, 10, tzinfo=SHANGHAI),
        )
        for n in range(20)
    ]
    Voice.objects.bulk_create(more)
    tally.rebuild()
    assert queries(client, url, params) == expected
