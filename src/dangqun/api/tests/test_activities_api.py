"""志愿服务与活动 over the API (issue #16 §5): the list and detail scoped like the pages, signing up,
cancelling, checking in and out, my hours and stars, and 群众点单's orders; refusals are Chinese
400s that write nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dangqun.activities import attendance, hours, orders, organising
from dangqun.activities import volunteers as volunteering
from dangqun.activities.models import Activity, ActivityKind, OrderStatus, ServiceOrder, SignUp
from dangqun.core.models import AuditLog
from dangqun.voices import handling, intake
from dangqun.voices.models import Identity, Kind


@pytest.fixture
def published(world):
    """A published volunteer activity of branch A in three days, organised by the owner."""
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    activity = organising.create(
        world.owner,
        {
            "kind": ActivityKind.objects.get(code="volunteer"),
            "title": "社区义诊",
            "org": world.branch_a,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=3),
            "place": "幸福社区",
            "signup_closes_at": starts - dt.timedelta(hours=2),
            "capacity": 5,
        },
    )
    return organising.publish(world.owner, activity)


@pytest.fixture
def mass(world, make_user):
    return make_user("mass", role="mass_admin", org=world.company_a)


@pytest.fixture
def voice(world, mass):
    """张三's 求助, 受理-ed and handed to 甲公司综合部."""
    data = {"title": "老人陪诊", "content": "需要有人陪同老人复查。", "kind": Kind.REQUEST}
    raised = intake.submit(world.member, data, unit=world.dept_a, identity=Identity.NAMED).voice
    return handling.assign(mass, raised, handling_org=world.dept_a)


ORDER = {"title": "陪同就医", "description": "陪同老人复查，约半天。", "place": "市医院"}


def test_the_list_holds_what_is_open_to_the_caller_or_kept_by_them(world, api, published):
    member = api(world.member)
    assert [row["id"] for row in member.get("/api/activities/").json()["results"]] == [published.pk]
    assert member.get("/api/activities/?kept=1").json()["results"] == []
    kept = api(world.owner).get("/api/activities/?kept=1").json()["results"]
    assert [row["id"] for row in kept] == [published.pk]
    assert api(world.outsider).get("/api/activities/?kept=1").json()["results"] == []
    assert api(world.outsider).get(f"/api/activities/{published.pk}/").status_code == 404
    detail = member.get(f"/api/activities/{published.pk}/").json()
    assert (detail["places_left"], detail["my_signup"], detail["slot_hours"]) == (5, None, "3.0")


def test_sign_up_cancel_check_in_and_out(world, api, published):
    member = api(world.member)
    signed = member.post(f"/api/activities/{published.pk}/sign-up/", {"travel_minutes": 20})
    assert signed.status_code == 200 and signed.json()["status"] == "confirmed"
    assert (
        member.get(f"/api/activities/{published.pk}/").json()["my_signup"]["travel_minutes"] == 20
    )
    cancelled = member.post(f"/api/activities/{published.pk}/cancel-sign-up/", {"reason": "出差"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    member.post(f"/api/activities/{published.pk}/sign-up/", {})
    # the activity begins: a code from the organiser's screen checks in and out
    now = timezone.now().replace(microsecond=0)
    Activity.objects.filter(pk=published.pk).update(
        starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=2)
    )
    published.refresh_from_db()
    wrong = member.post(f"/api/activities/{published.pk}/check-in/", {"code": "000000"})
    assert wrong.status_code == 400 and "code" in wrong.json()
    code = attendance.code_now(published)
    checked = member.post(f"/api/activities/{published.pk}/check-in/", {"code": code})
    assert checked.status_code == 200 and checked.json()["first"] is True
    out = member.post(f"/api/activities/{published.pk}/check-out/", {"code": code})
    assert out.status_code == 200 and out.json()["signup"]["checked_out_at"]


def test_sign_up_after_the_window_is_a_chinese_400_and_writes_nothing(world, api, published):
    Activity.objects.filter(pk=published.pk).update(
        signup_closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    audit_rows = AuditLog.objects.count()
    client = api(world.member)  # its token is one audit row
    response = client.post(f"/api/activities/{published.pk}/sign-up/", {})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["报名已截止"]}
    assert not SignUp.objects.exists() and AuditLog.objects.count() == audit_rows + 1
    bad = client.post(f"/api/activities/{published.pk}/sign-up/", {"travel_minutes": -5})
    assert bad.status_code == 400 and "travel_minutes" in bad.json()


def test_my_hours_and_stars(world, api, published):
    signed = api(world.member).post(f"/api/activities/{published.pk}/sign-up/", {})
    now = timezone.now().replace(microsecond=0)
    Activity.objects.filter(pk=published.pk).update(
        starts_at=now - dt.timedelta(hours=4), ends_at=now - dt.timedelta(hours=1)
    )
    published.refresh_from_db()
    attendance.mark(world.owner, published, signed.json()["id"], now - dt.timedelta(hours=4), None)
    organising.mark_held(world.owner, published)
    hours.confirm(world.owner, published, {})
    body = api(world.member).get("/api/activities/my-hours/").json()
    assert (body["total"], body["stars"], body["to_next_star"]) == ("3.0", 0, "97.0")
    assert [(e["title"], e["hours"]) for e in body["entries"]] == [("社区义诊", "3.0")]
    assert api(world.owner).get("/api/activities/my-hours/").status_code == 404  # no person


def test_my_hours_query_count(world, api, published, django_assert_max_num_queries):
    client = api(world.member)
    client.get("/api/activities/my-hours/")
    with django_assert_max_num_queries(8):
        client.get("/api/activities/my-hours/")
    with django_assert_max_num_queries(8):
        client.get("/api/activities/")


def test_orders_raised_listed_claimed_through_the_api(world, api, mass, voice):
    created = api(mass).post(
        "/api/activities/orders/", {**ORDER, "voice": voice.pk, "org": world.company_a.pk}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    owner = api(world.owner)  # an organiser in company A's party committee
    assert [row["id"] for row in owner.get("/api/activities/orders/").json()["results"]] == [pk]
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    body = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=3)).isoformat(),
    }
    claimed = owner.post(f"/api/activities/orders/{pk}/claim/", {**body, "org": world.branch_a.pk})
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["status"] == OrderStatus.CLAIMED and claimed.json()["activity"]
    again = owner.post(f"/api/activities/orders/{pk}/claim/", {**body, "org": world.branch_a.pk})
    assert again.status_code == 400 and orders.TAKEN in str(again.json())
    assert Activity.objects.count() == 1
    assert owner.get("/api/activities/orders/").json()["results"] == []
    assert [r["id"] for r in owner.get("/api/activities/orders/?show=mine").json()["results"]] == [
        pk
    ]
    monthly = api(mass).get("/api/activities/orders/monthly/").json()
    assert monthly["total"]["raised"] == 1 and monthly["total"]["claimed"] == 1
    assert api(mass).get("/api/activities/orders/monthly/?month=13").status_code == 400


def test_orders_refused_in_chinese(world, api, mass, voice, make_user):
    handler = make_user("handler", role="handler", org=world.dept_a)
    body = {**ORDER, "voice": voice.pk, "org": world.company_a.pk}
    assert api(handler).post("/api/activities/orders/", body).status_code == 403
    not_seen = api(world.outsider).post("/api/activities/orders/", body)
    assert not_seen.status_code == 400 and "voice" in not_seen.json()
    suggestion = intake.submit(
        world.member, {"title": "建议", "content": "建议增加班车。"}, unit=world.dept_a
    ).voice
    handling.assign(mass, suggestion, handling_org=world.dept_a)
    refused = api(mass).post("/api/activities/orders/", {**body, "voice": suggestion.pk})
    assert refused.status_code == 400 and orders.NOT_A_REQUEST in str(refused.json())
    assert not ServiceOrder.objects.exists()
    order = orders.create(mass, voice, {**ORDER, "org": world.company_a})
    starts = timezone.now() + dt.timedelta(days=2)
    claim = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
    }
    assert api(handler).post(f"/api/activities/orders/{order.pk}/claim/", claim).status_code == 404
    # a registered volunteer with no team claims for their own branch
    volunteering.register(world.member, {"consent": True})
    done = api(world.member).post(f"/api/activities/orders/{order.pk}/claim/", claim)
    assert done.status_code == 200
    assert Activity.objects.get().org == world.branch_a
    assert Decimal(Activity.objects.get().slot_hours) == Decimal("2.0")


def test_the_orders_list_query_count_does_not_grow(
    world, api, mass, voice, django_assert_max_num_queries
):
    client = api(world.owner)
    orders.create(mass, voice, {**ORDER, "org": world.company_a})
    client.get("/api/activities/orders/")
    with django_assert_max_num_queries(10) as few:
        assert len(client.get("/api/activities/orders/").json()["results"]) == 1
    for n in range(4):
        data = {"title": f"求助{n}", "content": "需要帮助。", "kind": Kind.REQUEST}
        more = intake.submit(world.member, data, unit=world.dept_a).voice
        handling.assign(mass, more, handling_org=world.dept_a)
        orders.create(mass, more, {**ORDER, "org": world.company_a})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/activities/orders/").json()["results"]) == 5
