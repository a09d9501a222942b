"""The 工作台 on a phone and a desktop: an employee sees their cards, taps a number and lands on
the list that shows its records; a leader's slow cards arrive after the page and their charts draw (the running month as "so far"); nothing
spills sideways at 375 px."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employee_taps_a_number_and_sees_its_records(page, world, make_user):
    from dangqun.life import planning
    from dangqun.voices import handling, intake
    from dangqun.voices.models import Channel, Identity

    mass = make_user("mass", role="mass_admin", org=world.company_a)
    submitted = intake.submit(
        world.member,
        {"title": "宿舍热水不稳定", "content": "晚上十点后经常没有热水。"},
        unit=world.dept_a,
        channel=Channel.WEB,
        identity=Identity.NAMED,
    ).voice
    handling.assign(mass, submitted, handling_org=world.dept_a)
    handling.respond(mass, submitted)
    handling.answer(mass, submitted, text="已更换热水泵", solved=True)
    intake.submit(
        world.member,
        {"title": "停车位不足", "content": "希望增加电动车车位。"},
        unit=world.dept_a,
        channel=Channel.WEB,
        identity=Identity.NAMED,
    )
    planning.schedule(
        world.owner,
        world.branch_a,
        {
            "kind": "party_lecture",
            "topic": "党课：学习党章",
            "starts_at": timezone.now() + dt.timedelta(days=2),
        },
    )

    log_in(page, "member")
    assert page.locator("#card-voices-mine").is_visible()
    assert "已答复，请查看答复并评价" in page.inner_text("#card-voices-mine")
    assert "甲公司综合部党支部" in page.inner_text("#card-life-mine")
    fits(page)
    page.click("#n-voices-mine-1")  # 待我评价
    page.wait_for_url("**/voices/mine/?show=answered")
    body = page.inner_text("body")
    assert "宿舍热水不稳定" in body and "停车位不足" not in body
    fits(page)
    page.go_back()
    page.click("#card-life-mine a.btn")  # 查看会议并签到
    page.wait_for_url("**/life/*/#checkin-card")
    assert "党课：学习党章" in page.inner_text("body")


def test_a_leader_sees_the_overview_with_charts(page, world, make_user):
    from dangqun.life import planning, recording

    held = planning.schedule(
        world.owner,
        world.branch_a,
        {
            "kind": "theme_day",
            "topic": "主题党日",
            "starts_at": timezone.now() - dt.timedelta(hours=1),
        },
    )
    recording.update(world.owner, held, {"minutes": "已召开"})
    recording.finalise(world.owner, held)

    log_in(page, "reader")
    for key in ("voices-rates", "life-overview", "development-plan"):
        page.wait_for_selector(f"#card-{key}")  # a slow card: HTMX loads it after the page
        assert page.locator(f"#card-{key}").is_visible()
        assert page.locator(f"#pending-{key}").count() == 0  # its place was replaced
        page.wait_for_selector(f"#chart-{key} canvas")  # ECharts drew it
    month = timezone.localdate()
    assert page.locator("#n-life-overview-2 .h2").inner_text() == "1/1"
    assert page.locator("#card-orgs-findings").count() == 0  # a leader's overview is figures
    fits(page)
    page.click("#n-life-overview-2")
    page.wait_for_url("**/life/radar/")
    assert f"{month.year}" in page.inner_text("body")
