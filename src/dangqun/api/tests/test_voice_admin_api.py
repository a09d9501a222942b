"""The 群众呼声 administration over the API: categories and the working calendar, for each kind of
caller (the permission matrix), changed through the same tables as the pages (changed, audited,
refused with the Chinese reason), a fixed number of queries for the lists."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.core import workcalendar
from dangqun.core.models import AuditLog, CalendarDay
from dangqun.voices import calendar_days, categories
from dangqun.voices.models import Category, Voice
from dangqun.voices.posters import qr_token

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "reader", "owner", "handler", "mass", "mass_b", "group_mass"]


@pytest.fixture
def users(world, make_user):
    return {
        "anonymous": None,
        "outsider": world.outsider,  # party-affairs admin of company B: nothing to do with voices
        "reader": world.reader,  # the leader over company A's committee
        "owner": world.owner,  # party-affairs admin of company A
        "handler": make_user("handler", role="handler", org=world.dept_a),
        "mass": make_user("mass", role="mass_admin", org=world.company_a),
        "mass_b": make_user("mass_b", role="mass_admin", org=world.company_b),
        "group_mass": make_user("group_mass", role="mass_admin", org=world.group),
    }


@pytest.fixture
def canteen(world, users):
    """A category company A's unit handles, and a site day off."""
    calendar_days.set_calendar_day(users["group_mass"], dt.date(2026, 12, 28), is_workday=False)
    return categories.save_category(
        users["mass"], None, {"name": "食堂", "handling_org": world.dept_a, "urgency": "normal"}
    )


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # {category}: the canteen's ID
    body: dict | None
    expected: tuple[int, ...]  # in the order of ROLES


NEW = {"name": "班车", "urgency": "normal"}  # handling_org: the caller's own unit, filled below
CASES = [
    Case("categories", "get", "/api/voices/categories/", None, (401, 403, 403, 403, 403, 200, 200, 200)),
    Case("add a category", "post", "/api/voices/categories/", NEW, (401, 403, 403, 403, 403, 201, 201, 201)),
    # company B's admin may not change company A's category
    Case("change a category", "post", "/api/voices/categories/{category}/", NEW, (401, 403, 403, 403, 403, 200, 403, 200)),
    Case("deactivate a category", "post", "/api/voices/categories/{category}/deactivate/", {}, (401, 403, 403, 403, 403, 200, 403, 200)),
    # a category without a default unit belongs to no unit: only a group-wide admin keeps it
    Case("add a history-only category", "post", "/api/voices/categories/", {**NEW, "handling_org": None}, (401, 403, 403, 403, 403, 400, 400, 201)),
    Case("calendar", "get", "/api/voices/calendar/?year=2026", None, (401, 403, 403, 403, 403, 200, 200, 200)),
    Case("set a day", "post", "/api/voices/calendar/", {"date": "2026-12-29", "is_workday": "0"}, (401, 403, 403, 403, 403, 403, 403, 200)),
    Case("remove a day", "delete", "/api/voices/calendar/2026-12-28/", None, (401, 403, 403, 403, 403, 403, 403, 204)),
]  # fmt: skip
OWN_UNIT = {"mass": "dept_a", "mass_b": "dept_b", "group_mass": "dept_a"}


def _state():
    return (
        list(Category.objects.order_by("pk").values()),
        list(CalendarDay.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, api, users, canteen, case, role):
    user = users[role]
    body = dict(case.body) if case.body is not None else None
    if body is not None and "urgency" in body and "handling_org" not in body:
        body["handling_org"] = getattr(world, OWN_UNIT.get(role, "dept_a")).pk
    before, audit_before = _state(), AuditLog.objects.count()

    client = api(user)
    url = case.url.format(category=canteen.pk)
    response = (
        client.delete(url) if case.method == "delete" else getattr(client, case.method)(url, body)
    )

    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content.decode()
    if expected >= 400 or case.method == "get":  # nothing changed, the token the only audit row
        assert _state() == before
        assert AuditLog.objects.count() == audit_before + (user is not None)
    else:
        assert AuditLog.objects.count() == audit_before + 2
    if expected == 403:
        assert response.json()["detail"]


def test_add_and_change_a_category_write_their_audit_rows(world, api, users):
    client = api(users["mass"])
    body = {"name": "后勤", "urgency": "normal", "handling_org": world.dept_a.pk, "active": True}
    response = client.post("/api/voices/categories/", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["name"] == "后勤" and data["handling_org_name"] == "甲公司综合部"
    logistics = Category.objects.get(pk=data["id"])
    assert logistics.active
    body = {**body, "name": "后勤保障", "urgency": "urgent", "active": False}
    response = client.post(f"/api/voices/categories/{logistics.pk}/", body)
    assert response.status_code == 200, response.content
    logistics.refresh_from_db()
    assert (logistics.name, logistics.urgency, logistics.active) == ("后勤保障", "urgent", False)
    rows = AuditLog.objects.filter(action="voice.category", object_id=str(logistics.pk))
    assert rows.count() == 2 and {row.actor for row in rows} == {users["mass"]}


def test_a_refused_category_is_a_400_with_the_chinese_reason(world, api, users, canteen):
    client = api(users["mass"])
    again = {"name": "食堂", "urgency": "normal", "handling_org": world.dept_a.pk}
    response = client.post("/api/voices/categories/", again)
    assert response.status_code == 400
    assert response.json() == {"name": ["同一上级下已有同名类别"]}
    deep = {**again, "name": "早餐", "parent": canteen.pk}
    child = client.post("/api/voices/categories/", deep)
    assert child.status_code == 201, child.content
    third = client.post("/api/voices/categories/", {**deep, "parent": child.json()["id"]})
    assert third.status_code == 400
    # a unit outside the caller's scope is not a choice, as on the page
    outside = client.post("/api/voices/categories/", {**again, "handling_org": world.dept_b.pk})
    assert outside.status_code == 400 and list(outside.json()) == ["handling_org"]
    assert client.post("/api/voices/categories/", [1, 2]).status_code == 400
    assert Category.objects.count() == 2


def test_a_category_that_does_not_exist_is_not_found(api, users):
    client = api(users["mass"])
    assert client.post("/api/voices/categories/999999/", {"name": "x"}).status_code == 404
    assert client.post("/api/voices/categories/abc/", {"name": "x"}).status_code == 404


def test_the_calendar_is_the_page_s(api, users, canteen):
    response = api(users["mass"]).get("/api/voices/calendar/?year=2026")
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == 2026 and data["can_change"] is False
    assert {"date": "2026-10-01", "is_workday": False} in data["shipped"]
    assert {"date": "2026-09-20", "is_workday": True} in data["shipped"]
    assert data["adjustments"] == [{"date": "2026-12-28", "is_workday": False, "note": ""}]
    assert api(users["group_mass"]).get("/api/voices/calendar/").json()["can_change"] is True
    odd = api(users["mass"]).get("/api/voices/calendar/?year=abc").json()
    assert odd["year"] == dt.date.today().year


def test_a_group_wide_admin_sets_and_removes_a_day(api, users):
    client = api(users["group_mass"])
    day = dt.date(2026, 12, 30)  # a Wednesday
    assert workcalendar.is_workday(day)
    body = {"date": "2026-12-30", "is_workday": "0", "note": "厂庆"}
    response = client.post("/api/voices/calendar/", body)
    assert response.status_code == 200, response.content
    assert {"date": "2026-12-30", "is_workday": False, "note": "厂庆"} in response.json()[
        "adjustments"
    ]
    assert not workcalendar.is_workday(day)
    assert client.delete("/api/voices/calendar/2026-12-30/").status_code == 204
    assert workcalendar.is_workday(day) and not CalendarDay.objects.exists()
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"voice.calendar", "voice.calendar_removed"} <= actions


def test_a_bad_day_is_refused_in_chinese(api, users):
    client = api(users["group_mass"])
    response = client.post("/api/voices/calendar/", {"date": "2026-02-30", "is_workday": "0"})
    assert response.status_code == 400 and list(response.json()) == ["date"]
    assert client.delete("/api/voices/calendar/2026-02-30/").status_code == 404
    assert not CalendarDay.objects.exists()


def test_the_calendar_refuses_a_subsidiary_admin_in_chinese(api, users):
    response = api(users["mass"]).post(
        "/api/voices/calendar/", {"date": "2026-12-30", "is_workday": "0"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == calendar_days.ONLY_GROUP_ADMINS


@pytest.mark.parametrize(
    "url, queries", [("/api/voices/categories/", 3), ("/api/voices/calendar/?year=2026", 3)]
)
def test_lists_take_a_fixed_number_of_queries(world, api, users, url, queries):
    client = api(users["mass"])
    assert client.get(url).status_code == 200  # the token's first use is recorded once
    counts = []
    for n in range(3):
        categories.save_category(
            users["mass"],
            None,
            {"name": f"类别{n}", "handling_org": world.dept_a, "urgency": "normal"},
        )
        calendar_days.set_calendar_day(
            users["group_mass"], dt.date(2026, 12, 28 + n), is_workday=False
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts == [queries] * 3


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("handler", 403),
        ("mass_b", 403),  # company B's admin: not their unit
        ("mass", 200),
        ("group_mass", 200),
    ],
)
def test_a_units_poster_link_is_the_pages(api, users, world, client, role, status):
    response = api(users[role]).get(f"/api/voices/posters/{world.dept_a.pk}/")
    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert body["unit_name"] == "甲公司综合部"
        path = body["url"].removeprefix("http://testserver")
        assert path == f"/v/{qr_token(world.dept_a)}/"
        assert "甲公司综合部" in client.get(path).content.decode()  # opens without a login
    elif status == 403:
        assert response.json()["detail"] == "您无权生成该单位的二维码"


def test_a_poster_is_for_an_enterprise_unit_only(api, users, world):
    client = api(users["group_mass"])
    assert client.get(f"/api/voices/posters/{world.committee_a.pk}/").status_code == 404
    assert client.get("/api/voices/posters/x/").status_code == 404


def test_a_category_is_deactivated_never_deleted_and_keeps_its_voices(world, api, users, canteen):
    voice = Voice.objects.create(
        title="食堂太咸",
        content="饭菜太咸",
        unit=world.dept_a,
        category=canteen,
        query_code_hash="x",
    )
    client = api(users["mass"])

    response = client.post(f"/api/voices/categories/{canteen.pk}/deactivate/", {})

    assert response.status_code == 200 and response.json()["active"] is False
    voice.refresh_from_db()
    assert voice.category == canteen
    row = AuditLog.objects.filter(action="voice.category", object_id=str(canteen.pk)).latest("pk")
    assert row.before["active"] is True and row.after["active"] is False
    again = client.post(f"/api/voices/categories/{canteen.pk}/deactivate/", {})
    assert again.status_code == 200
    assert AuditLog.objects.filter(action="voice.category", object_id=str(canteen.pk)).count() == 2
    listed = client.get("/api/voices/categories/?active=1").json()
    assert canteen.pk not in [c["id"] for c in listed]
    assert [c["id"] for c in client.get("/api/voices/categories/?active=0").json()] == [canteen.pk]
    offered = client.post(
        "/api/voices/", {"title": "食堂", "content": "太咸", "category": canteen.pk}
    )
    assert offered.status_code == 400 and "category" in offered.json()
    assert client.delete(f"/api/voices/categories/{canteen.pk}/").status_code == 405
    assert client.post("/api/voices/categories/999999/deactivate/", {}).status_code == 404
    assert client.post("/api/voices/categories/abc/deactivate/", {}).status_code == 404


def test_a_category_without_a_default_unit_is_the_group_wide_admins(world, api, users):
    group = api(users["group_mass"])
    history = {"name": "城乡建设", "urgency": "normal", "handling_org": None}

    created = group.post("/api/voices/categories/", history)

    assert created.status_code == 201, created.content.decode()
    assert created.json()["handling_org"] is None
    pk = created.json()["id"]
    refused = api(users["mass"]).post(f"/api/voices/categories/{pk}/", {**history, "name": "x"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == categories.GROUP_WIDE
    denied = api(users["mass"]).post(f"/api/voices/categories/{pk}/deactivate/", {})
    assert denied.status_code == 403
    own = {**history, "handling_org": world.dept_a.pk}
    assert group.post(f"/api/voices/categories/{pk}/", own).status_code == 200
    assert (
        api(users["mass"]).post(f"/api/voices/categories/{pk}/deactivate/", {}).status_code == 200
    )
