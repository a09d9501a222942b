"""职代会提案 on a phone: one representative proposes online, two others second it, and only then
does it reach the admins (征集附议 → 待受理)."""

import datetime

import pytest

from tests.browser.conftest import fits, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "建议增设夜班班车"
CONTENT = "夜班下班后没有公交，建议增设一趟 23:30 的班车。"


def _status(page) -> str:
    return page.inner_text("#voice-status").strip()


@pytest.fixture
def congress(world, make_user):
    from dangqun.voices import proposals

    mass = make_user("mass", role="mass_admin", org=world.company_a)
    congress = proposals.save_congress(
        mass,
        None,
        {
            "org": world.company_a,
            "name": "第三届职工代表大会",
            "starts_on": datetime.date(2025, 1, 1),
        },
    )
    proposals.add_representatives(mass, congress, ["A0001", "A0002", "A0003"])
    return congress


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_proposal_is_seconded_by_two_representatives_on_a_phone(page, world, make_user, congress):
    from dangqun.voices.models import Kind, Seconder, Status, Voice

    make_user("li", person=world.li)
    make_user("wang", person=world.wang)

    # 张三 (a representative, account "member") proposes from 我要反映 → 职代会提案
    log_in(page, "member")
    open_menu(page)
    page.click("#main-nav a:has-text('我要反映')")
    page.click("a:has-text('职代会提案')")
    page.click("a:has-text('向第三届职工代表大会提出提案')")
    page.wait_for_selector("#proposal-form")
    choices = page.inner_text("#id_seconders")
    assert "李四" in choices and "王五" in choices
    assert "张三" not in choices, "the proposer is not offered to second their own proposal"
    page.fill("#id_title", TITLE)
    page.fill("#id_content", CONTENT)
    page.locator("#id_seconders label", has_text="李四").locator("input").check()
    page.locator("#id_seconders label", has_text="王五").locator("input").check()
    fits(page)
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector("#voice-status")
    voice = Voice.objects.get()
    assert (voice.kind, voice.congress, voice.person) == (Kind.PROPOSAL, congress, world.zhang)
    assert page.url.startswith(f"{page.base_url}/voices/{voice.pk}/")
    assert _status(page) == "征集附议"
    assert "李四（待附议）" in page.inner_text("#seconders")
    assert "王五（待附议）" in page.inner_text("#seconders")
    assert page.locator("#action-second").count() == 0, "the proposer cannot second it"
    fits(page)

    # 李四 is told through 消息 and seconds from the proposal's page
    page.context.clear_cookies()
    log_in(page, "li")
    page.click("#bell")
    page.click(f"#notice-list button:has-text('{TITLE}')")
    page.wait_for_selector("#action-second")
    assert page.url.startswith(f"{page.base_url}/voices/{voice.pk}/")
    assert TITLE in page.inner_text("h2.page-title")
    assert _status(page) == "征集附议"
    fits(page)
    page.click("#action-second button[type=submit]")
    page.wait_for_selector("#seconders:has-text('李四（已附议）')")
    assert _status(page) == "征集附议", "one seconder of two is not enough"
    assert page.locator("#action-second").count() == 0, "nobody seconds twice"
    voice.refresh_from_db()
    assert voice.status == Status.SECONDING
    fits(page)

    # 王五 finds it under 待我附议 and seconds it: now it goes to the admins
    page.context.clear_cookies()
    log_in(page, "wang")
    open_menu(page)
    page.click("#main-nav a:has-text('我要反映')")
    page.click("a:has-text('职代会提案')")
    page.click(f"#asked a:has-text('{TITLE}')")
    page.wait_for_selector("#action-second")
    assert _status(page) == "征集附议"
    page.fill("#action-second textarea[name=note]", "同意，夜班职工确有需要。")
    page.click("#action-second button[type=submit]")
    page.wait_for_selector("#voice-status:has-text('待受理')")
    assert _status(page) == "待受理"
    assert "王五（已附议）" in page.inner_text("#seconders")
    assert "征集附议中" not in page.inner_text("#actions")
    fits(page)
    voice.refresh_from_db()
    assert voice.status == Status.SUBMITTED
    assert set(voice.seconders.values_list("person__name", "answer")) == {
        ("李四", Seconder.Answer.SECONDED),
        ("王五", Seconder.Answer.SECONDED),
    }

    # the proposer sees the new status among their proposals
    page.context.clear_cookies()
    log_in(page, "member")
    page.goto(f"{page.base_url}/voices/proposals/")
    assert "待受理" in page.inner_text(f"#my-proposals li:has-text('{TITLE}')")
    assert "没有等待您附议的提案" in page.inner_text("#asked")
    fits(page)
