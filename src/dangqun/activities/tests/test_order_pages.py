"""The pages of 群众点单·党员接单: the voice's button, raising an order, the board, claiming, the
monthly list; who is refused; pinned query counts on the lists."""

import datetime as dt

import pytest
from django.utils import timezone

from dangqun.activities import orders
from dangqun.activities import volunteers as volunteering
from dangqun.activities.models import Activity, OrderStatus, ServiceOrder
from dangqun.activities.tests.order_fixtures import order_data


@pytest.fixture
def order(world, mass, request_voice):
    return orders.create(mass, request_voice(assign_by=mass), order_data(world))


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_voice_page_offers_its_mass_admin_the_order_button(
    world, mass, handler, client, request_voice
):
    voice = request_voice(assign_by=mass)
    client.force_login(mass)
    html = client.get(f"/voices/{voice.pk}/").content.decode()
    assert 'id="to-order"' in html and f"/activities/orders/from-voice/{voice.pk}/" in html
    client.force_login(handler)
    assert 'id="to-order"' not in client.get(f"/voices/{voice.pk}/").content.decode()


def test_raising_an_order_from_the_page(world, mass, handler, client, request_voice):
    voice = request_voice(assign_by=mass)
    url = f"/activities/orders/from-voice/{voice.pk}/"
    client.force_login(handler)
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x"}).status_code == 403
    client.force_login(mass)
    page = client.get(url)
    assert page.status_code == 200 and "转为服务需求" in page.content.decode()
    refused = client.post(url, {"org": world.company_a.pk, "title": "陪同就医"})
    assert refused.status_code == 422 and "该字段是必填项" in refused.content.decode()
    assert not ServiceOrder.objects.exists()
    data = {"org": world.company_a.pk, "title": "陪同就医", "description": "陪同复查"}
    done = client.post(url, data)
    order = ServiceOrder.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/activities/orders/{order.pk}/"
    # once raised, the page leads to the order
    assert client.get(url)["Location"] == f"/activities/orders/{order.pk}/"


def test_the_board_and_a_claim_through_the_page(world, team_leader, order, client):
    leader, team = team_leader
    client.force_login(leader)
    board = client.get("/activities/orders/").content.decode()
    assert "陪同就医" in board and "查看并接单" in board
    page = client.get(f"/activities/orders/{order.pk}/").content.decode()
    assert 'id="claim-card"' in page and 'id="order-voice"' not in page  # no voice for them
    starts = timezone.now() + dt.timedelta(days=2)
    url = f"/activities/orders/{order.pk}/claim/"
    bad = client.post(url, {"starts_at": local(starts), "ends_at": local(starts), "team": team.pk})
    assert bad.status_code == 422 and "结束时间应晚于开始时间" in bad.content.decode()
    ends = starts + dt.timedelta(hours=3)
    done = client.post(url, {"starts_at": local(starts), "ends_at": local(ends), "team": team.pk})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CLAIMED and order.activity.team == team
    again = client.post(url, {"starts_at": local(starts), "ends_at": local(ends), "team": team.pk})
    assert again.status_code == 422 and Activity.objects.count() == 1


@pytest.mark.parametrize("who", ["handler", "outsider", "wang"])
def test_strangers_see_no_order(world, who, handler, employee, order, client):
    user = {"handler": handler, "outsider": world.outsider, "wang": employee(world.wang)}[who]
    client.force_login(user)
    assert "陪同就医" not in client.get("/activities/orders/").content.decode()
    assert client.get(f"/activities/orders/{order.pk}/").status_code == 404
    starts = timezone.now() + dt.timedelta(days=2)
    ends = starts + dt.timedelta(hours=2)
    response = client.post(
        f"/activities/orders/{order.pk}/claim/",
        {"starts_at": local(starts), "ends_at": local(ends)},
    )
    assert response.status_code == 404 and not Activity.objects.exists()


def test_the_monthly_list(world, mass, order, client):
    client.force_login(mass)
    html = client.get("/activities/orders/monthly/").content.decode()
    assert "甲公司" in html and 'id="orders-monthly-table"' in html
    bad = client.get("/activities/orders/monthly/?month=2026-13").content.decode()
    assert "月份格式应为" in bad
    client.force_login(world.member)  # an employee reads no figures
    assert client.get("/activities/orders/monthly/").status_code == 403


def test_board_query_count_does_not_grow(
    world, mass, request_voice, django_assert_max_num_queries, client
):
    zhang = world.member
    volunteering.register(zhang, {"consent": True})
    client.force_login(zhang)
    for _ in range(2):
        orders.create(mass, request_voice(assign_by=mass), order_data(world))
    client.get("/activities/orders/")
    with django_assert_max_num_queries(12) as few:
        client.get("/activities/orders/")
    for _ in range(5):
        orders.create(mass, request_voice(assign_by=mass), order_data(world))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/activities/orders/").content.decode().count("查看并接单") == 7
