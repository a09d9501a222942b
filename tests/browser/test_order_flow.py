"""群众点单·党员接单 in a real browser, on a phone and a laptop: the mass-work admin turns a 求助
voice into a service order from the voice's page, a team leader finds it on the board and claims
it, and the monthly list counts it."""

import datetime as dt

import pytest
from django.utils import timezone

from dangqun.activities import volunteers
from dangqun.activities.models import ActivityKind, OrderStatus, ServiceOrder
from dangqun.voices import handling, intake
from dangqun.voices.models import Kind
from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mass(world, make_user):
    return make_user("mass", role="mass_admin", org=world.company_a)


@pytest.fixture
def leader(world, make_user):
    """李四 leads branch A's 志愿服务队 (the kinds of migration 0002 are flushed between
    transactional tests: put back the one a claim uses)."""
    ActivityKind.objects.get_or_create(
        code="volunteer", defaults={"name": "志愿服务", "volunteer": True}
    )
    user = make_user("lisi", person=world.li)
    volunteers.register(user, {"consent": True})
    team = volunteers.create_team(world.owner, {"org": world.branch_a, "name": "先锋志愿服务队"})
    team.leader = world.li
    team.save()
    return user


def test_a_request_becomes_an_order_and_a_team_leader_claims_it(page, world, mass, leader):
    data = {"title": "老人陪诊", "content": "需要有人陪同老人复查。", "kind": Kind.REQUEST}
    voice = intake.submit(world.member, data, unit=world.dept_a).voice
    handling.assign(mass, voice, handling_org=world.dept_a)

    log_in(page, "mass")
    page.goto(f"{page.base_url}/voices/{voice.pk}/")
    page.click("#to-order a")
    page.fill("#id_description", "陪同一位老人到市医院复查，约半天。")
    page.fill("#id_place", "市第一医院")
    fits(page)
    page.click("#order-form button[type=submit]")
    assert page.inner_text("#order-status") == "待接单"
    page.context.clear_cookies()

    log_in(page, "lisi")
    page.goto(f"{page.base_url}/activities/orders/")
    fits(page)
    page.click("#orders a:has-text('查看并接单')")
    assert "陪同一位老人" in page.inner_text("#order-description")
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(second=0)
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_team", label="先锋志愿服务队")
    fits(page)
    page.click("#action-claim button[type=submit]")
    assert page.inner_text("#order-status") == "已接单"
    page.screenshot(path=f"/tmp/dq-orders-claimed-{page.viewport_name}.png", full_page=True)
    assert "老人陪诊" in page.inner_text("#order-activity")
    order = ServiceOrder.objects.get()
    assert order.status == OrderStatus.CLAIMED and order.activity.team.name == "先锋志愿服务队"
    page.context.clear_cookies()

    log_in(page, "mass")
    page.goto(f"{page.base_url}/activities/orders/monthly/")
    cells = page.locator("#orders-monthly-table tbody tr").first.inner_text()
    assert "甲公司" in cells
    fits(page)
    page.screenshot(path=f"/tmp/dq-orders-monthly-{page.viewport_name}.png", full_page=True)
