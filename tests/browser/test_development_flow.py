"""An 积极分子 becomes a 预备党员 on the pages, at phone size: the branch secretary records the
branch's steps, company A's 党委 its own, a step taken too early is refused citing its rule and
nothing typed is lost, the 支部大会 votes, and the approval makes 王五 a 预备党员 from the day of the
vote."""

import datetime as dt

import pytest

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record(page, number: int, on: str, **fields) -> None:
    """Open step ``number``'s form on the case page, fill it and submit."""
    form = page.locator(f"#step-form-{number}")
    if not page.locator(f"#step-{number} details").evaluate("d => d.open"):  # open after an error
        page.locator(f"#step-{number} details > summary").click()
    form.locator(f"[name=s{number}-on]").fill(on)
    for name, value in fields.items():
        target = form.locator(f"[name=s{number}-{name}]")
        if isinstance(value, list):  # check boxes by label
            for label in value:
                form.get_by_label(label).check()
        elif target.first.get_attribute("type") == "radio":
            form.locator(f"[name=s{number}-{name}][value='{value}']").check()
        else:
            target.fill(str(value))
    form.locator("button[type=submit]").click()


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_an_activist_becomes_a_probationary_member(page, world, make_user):
    from dangqun.development import opening, recording, votes
    from dangqun.development.models import Case, Status
    from dangqun.people import services as people

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    people.create_person(
        None,
        {
            "employee_no": "A0009",
            "name": "周七",
            "unit": world.dept_a,
            "id_number": "110105198001010016",
        },
        {
            "branch": world.branch_a,
            "joined_on": dt.date(2010, 7, 1),
            "full_member_on": dt.date(2011, 7, 1),
        },
    )
    # 王五 has been an 积极分子 since March 2023, with a contact and an assessment
    case = opening.open_case(secretary, world.wang, world.branch_a, dt.date(2023, 1, 10))
    recording.record_step(secretary, case, 2, dt.date(2023, 1, 20))
    recording.record_step(secretary, case, 3, dt.date(2023, 3, 1))
    recording.record_step(world.owner, case, 4, dt.date(2023, 3, 5))
    recording.record_step(secretary, case, 5, dt.date(2023, 3, 6), {"people": [world.zhang]})
    votes.assess(secretary, case, dt.date(2023, 9, 1), "表现良好")
    url = f"{page.base_url}/development/{case.pk}/"

    log_in(page, "secretary")
    page.goto(url)
    fits(page)
    record(page, 7, "2024-02-20", note="支委会研究确定")  # not yet a year as 积极分子
    assert "确定为入党积极分子至今 11 个月" in page.inner_text("#step-7")
    assert "第十三条" in page.inner_text("#step-7")  # the rule it cites
    assert page.locator("[name=s7-note]").input_value() == "支委会研究确定"
    fits(page)
    record(page, 7, "2024-03-10")
    page.wait_for_selector("#step-7 .badge.bg-green-lt")

    page.context.clear_cookies()
    log_in(page, "owner")  # company A's 党委
    page.goto(url)
    record(page, 8, "2024-03-12")
    page.wait_for_selector("#step-8 .badge.bg-green-lt")

    page.context.clear_cookies()
    log_in(page, "secretary")
    page.goto(url)
    assert page.locator("#step-form-9").get_by_label("李四").count() == 0  # 预备党员: not offered
    record(page, 9, "2024-03-15", people=["张三", "周七"])
    page.wait_for_selector("#step-9 .badge.bg-green-lt")
    record(page, 10, "2024-04-01", conclusion="政治历史清白，现实表现良好", qualified="1")
    page.wait_for_selector("#step-10 .badge.bg-green-lt")
    record(page, 11, "2024-04-10", days="3", hours="24")
    page.wait_for_selector("#step-11 .badge.bg-green-lt")
    record(page, 12, "2024-05-01")
    page.wait_for_selector("#step-12 .badge.bg-green-lt")

    page.context.clear_cookies()
    log_in(page, "owner")
    page.goto(url)
    record(page, 13, "2024-05-10")
    page.wait_for_selector("#step-13 .badge.bg-green-lt")

    page.context.clear_cookies()
    log_in(page, "secretary")
    page.goto(url)
    record(page, 14, "2024-05-15")
    page.wait_for_selector("#step-14 .badge.bg-green-lt")
    vote = page.locator("#vote-form")
    vote.locator("[name=held_on]").fill("2024-05-20")
    for name, value in {"expected": 3, "present": 3, "written": 0, "yes": 3, "no": 0}.items():
        vote.locator(f"[name={name}]").fill(str(value))
    vote.locator("[name=abstain]").fill("0")
    vote.locator("button[type=submit]").click()
    page.wait_for_selector("#step-15 .badge.bg-green-lt")
    fits(page)

    page.context.clear_cookies()
    log_in(page, "owner")
    page.goto(url)
    record(page, 16, "2024-06-01")
    page.wait_for_selector("#step-16 .badge.bg-green-lt")
    record(page, 17, "2024-06-15", approved="1")
    page.wait_for_selector("#case-status:has-text('预备党员')")
    assert "预备期至 2025-05-20" in page.inner_text("#probation-ends")
    fits(page)

    case = Case.objects.get()
    world.wang.refresh_from_db()
    assert case.status == Status.PROBATIONARY
    assert world.wang.party_profile.joined_on == dt.date(2024, 5, 20)
    assert world.wang.political_status == "cpc_probationary"
