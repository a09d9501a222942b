"""Phone layouts at 375 × 812 (issue #14): the action a person came for on the first screen (the
check-in card of a meeting, the answer form, the rate form), refusals at the top and focused, long
lists read as cards, nothing spills sideways, 记录定稿 confirmed with its consequences, and the
trend's current month drawn as 本月截至今日."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_HEIGHT = 812
LONG = "\n".join(f"{n}. 围绕年度重点工作逐项讨论，形成明确分工和完成时限。" for n in range(1, 41))


def top_of(page, selector) -> float:
    """Where the element starts, measured from the top of the page (not of the screen)."""
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().top + window.scrollY")


def label_of(page, selector) -> str:
    """The label a card's cell shows before its value (CSS ::before, from data-label)."""
    return page.eval_on_selector(selector, "e => getComputedStyle(e, '::before').content")


def meeting_with_long_minutes(world, secretary):
    from dangqun.life import planning, recording
    from dangqun.life.models import Kind

    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {
            "kind": Kind.GENERAL_MEETING,
            "topic": "支部党员大会：年度工作部署",
            "starts_at": timezone.now() - dt.timedelta(minutes=30),
            "place": "党员活动室",
        },
    )
    recording.update(secretary, meeting, {"agenda": LONG, "minutes": LONG, "decisions": LONG})
    return meeting


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_check_in_card_is_on_the_first_screen_and_finalising_is_confirmed(
    page, world, make_user
):
    from dangqun.life import attendance
    from dangqun.life.models import Presence, Status

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    meeting = meeting_with_long_minutes(world, secretary)
    log_in(page, "secretary")
    page.goto(f"{page.base_url}/life/{meeting.pk}/")
    assert page.evaluate("() => document.documentElement.scrollHeight") > 3 * PHONE_HEIGHT
    assert top_of(page, "#checkin-card") < PHONE_HEIGHT / 2  # the code to show, on top
    assert page.locator("#checkin-card img").count() == 1
    fits(page)

    # 记录定稿 says what it will do before it does it
    page.click("#finalise-link")
    absent = page.inner_text("#finalise-absent")
    assert "以下 2 人既未签到也未请假" in absent and "张三" in absent and "李四" in absent
    quorum = page.inner_text("#finalise-quorum")
    assert "应到会有表决权的党员 1 名，实到 0 名" in quorum and "不足法定人数" in quorum
    assert "《中国共产党支部工作条例（试行）》" in quorum  # the rule it cites
    fits(page)
    page.click("#action-finalise button[type=submit]")  # not ticked: the browser holds it
    assert page.url.endswith(f"/life/{meeting.pk}/finalise/confirm/")
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD

    # 张三 is marked present meanwhile: the page refuses what was confirmed, at the top, focused
    attendance.mark(secretary, meeting, world.zhang, Presence.PRESENT)
    page.check("#finalise-check")
    page.click("#action-finalise button[type=submit]")
    page.wait_for_selector("[data-refusal]")
    assert "签到或请假情况有变化" in page.inner_text("[data-refusal]")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-refusal')")
    assert top_of(page, "[data-refusal]") < PHONE_HEIGHT / 3
    assert "以下 1 人既未签到也未请假" in page.inner_text("#finalise-absent")
    page.check("#finalise-check")
    page.click("#action-finalise button[type=submit]")
    page.wait_for_selector("#meeting-status:has-text('记录已定稿')")
    meeting.refresh_from_db()
    assert meeting.status == Status.FINALISED
    assert meeting.attendees.get(person=world.li).presence == Presence.ABSENT
    assert "缺席" in page.inner_text(f"#attendee-{world.li.pk}")
    fits(page)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_answer_and_the_rate_forms_come_first(page, world, make_user):
    from dangqun.voices import handling, intake

    mass = make_user("mass", role="mass_admin", org=world.company_a)
    handler = make_user("handler", role="handler", org=world.dept_a)
    voice = intake.submit(
        world.member,
        {"title": "食堂排队", "content": LONG},
        unit=world.dept_a,
        channel="web",
        identity="named",
    ).voice
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)

    log_in(page, "handler")
    page.goto(f"{page.base_url}/voices/{voice.pk}/")
    assert top_of(page, "#answer-card") < top_of(page, "#voice")
    assert top_of(page, "#action-answer") < PHONE_HEIGHT
    fits(page)
    page.click("#action-answer button[type=submit]")  # nothing written: sent back, focused
    page.wait_for_selector("#action-answer .invalid-feedback")
    assert page.evaluate(
        "() => document.activeElement.matches('#action-answer textarea[name=text]')"
    )
    assert top_of(page, "#action-answer") < PHONE_HEIGHT
    page.fill("#action-answer #id_text", "已增开两个窗口。")
    page.click("#action-answer button[type=submit]")
    page.wait_for_selector("#voice-status:has-text('待评价')")

    page.context.clear_cookies()
    log_in(page, "member")
    page.goto(f"{page.base_url}/voices/{voice.pk}/")
    assert top_of(page, "#action-rate") < PHONE_HEIGHT
    assert "已增开两个窗口" in page.inner_text("#rate-answer")  # what is rated, beside the form
    fits(page)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_lists_read_as_cards_and_nothing_spills_sideways(page, world, make_user):
    from dangqun.life import planning
    from dangqun.life.models import Kind
    from dangqun.notices.models import Notice
    from dangqun.voices import intake

    owner = world.owner
    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    make_user("mass", role="mass_admin", org=world.company_a)
    Notice.objects.create(
        user=owner,
        title="您单位的呼声HS2026000123《关于职工食堂午餐排队时间过长、菜品价格上涨的意见》即将超时",
        url="/voices/",
    )
    intake.submit(
        None,
        {"title": "关于厂区东门至宿舍区夜间照明不足存在安全隐患的反映", "content": "路灯坏了。"},
        unit=world.dept_a,
        channel="qr",
        identity="anonymous",
    )
    planning.schedule(
        secretary,
        world.branch_a,
        {
            "kind": Kind.THEME_DAY,
            "topic": "主题党日：学习贯彻党的二十届三中全会精神",
            "starts_at": timezone.now(),
        },
    )

    log_in(page, "owner")
    page.goto(f"{page.base_url}/notices/")
    fits(page)
    page.goto(f"{page.base_url}/people/")
    assert page.locator("table.table-cards thead").is_hidden()
    assert (
        page.eval_on_selector("table.table-cards tbody tr", "e => getComputedStyle(e).display")
        == "block"
    )
    assert world.zhang.phone not in page.inner_text("body")  # masked in the list
    fits(page)

    page.context.clear_cookies()
    log_in(page, "mass")
    page.goto(f"{page.base_url}/voices/")
    assert page.locator("#voice-table thead").is_hidden()
    assert "状态：" in label_of(page, "#voice-table td[data-label='状态']")  # what each cell is
    fits(page)

    page.context.clear_cookies()
    log_in(page, "secretary")
    page.goto(f"{page.base_url}/life/?show=all")
    assert page.locator("#life-table thead").is_hidden()
    assert "主题：" in label_of(page, "#life-table td[data-label='主题']")
    fits(page)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_current_month_is_drawn_as_so_far(page, world):
    from dangqun.voices import intake

    intake.submit(
        None,
        {"title": "班车", "content": "太挤"},
        unit=world.dept_a,
        channel="qr",
        identity="anonymous",
    )
    log_in(page, "reader")
    page.goto(f"{page.base_url}/voices/metrics/")
    page.wait_for_selector("#trend-chart canvas")
    option = page.evaluate(
        """() => {
          const o = echarts.getInstanceByDom(document.getElementById('trend-chart')).getOption();
          return {
            dashed: o.series.filter(s => s.lineStyle && s.lineStyle.type === 'dashed').length,
            last: o.xAxis[0].data[o.xAxis[0].data.length - 1],
          };
        }"""
    )
    assert option["dashed"] == 3 and "本月截至今日" in option["last"]
    assert "以虚线表示" in page.inner_text("#trend-note")
    assert "本月截至今日" in page.inner_text("#trend-so-far")
    fits(page)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_query_code_page_puts_the_rating_before_the_history(page, world, make_user):
    from dangqun.voices import handling, intake

    mass = make_user("mass", role="mass_admin", org=world.company_a)
    handler = make_user("handler", role="handler", org=world.dept_a)
    sent = intake.submit(
        None,
        {"title": "班车太挤", "content": "7 点班车经常满员，希望高峰期加开一班。"},
        unit=world.dept_a,
        channel="qr",
        identity="anonymous",
    )
    handling.assign(mass, sent.voice, handling_org=world.dept_a)
    for _ in range(3):  # a long history: asked for more, added, asked again…
        handling.ask_info(handler, sent.voice, question="请说明是哪一条线路、哪一天。")
    handling.respond(handler, sent.voice)
    handling.answer(handler, sent.voice, text="下周一起 7 点加开一班。", solved=True)
    page.goto(f"{page.base_url}/v/q/")
    page.fill("#id_code", sent.code)
    page.click("#code-form button[type=submit]")
    page.wait_for_selector("#rate-form")
    assert top_of(page, "#rate-form") < top_of(page, "#history")
    assert top_of(page, "#rate-form") < PHONE_HEIGHT
    fits(page)


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_wide_screens_keep_the_action_beside_the_page(page, world, make_user):
    from dangqun.voices import handling, intake

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    meeting = meeting_with_long_minutes(world, secretary)
    mass = make_user("mass", role="mass_admin", org=world.company_a)
    handler = make_user("handler", role="handler", org=world.dept_a)
    voice = intake.submit(
        world.member,
        {"title": "食堂排队", "content": "排队太久。"},
        unit=world.dept_a,
        channel="web",
        identity="named",
    ).voice
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)

    def box(selector):
        return page.eval_on_selector(
            selector, "e => { const r = e.getBoundingClientRect(); return [r.left, r.top]; }"
        )

    log_in(page, "secretary")
    page.goto(f"{page.base_url}/life/{meeting.pk}/")
    lead, card, people = box(".area-lead"), box("#checkin-card"), box("#attendees")
    assert card[0] > lead[0] and card[1] == lead[1]  # the code beside the record, on top
    assert people[0] == card[0] and people[1] < 2 * PHONE_HEIGHT  # attendees under it

    page.context.clear_cookies()
    log_in(page, "handler")
    page.goto(f"{page.base_url}/voices/{voice.pk}/")
    text, history, actions = box("#voice"), box("#history"), box("#actions")
    assert actions[0] > text[0] and actions[1] == text[1]
    assert history[0] == text[0] and history[1] < actions[1] + 600  # history under the voice
