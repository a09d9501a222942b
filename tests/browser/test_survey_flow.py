"""问卷调查 on a phone (issue #18 §6): an employee answers the satisfaction pulse anonymously
(told so on the page; a 0–10 and eleven ratings clicked, a suggestion typed), cannot answer
twice; the organiser sees "不足 5 份，暂不显示" until five responses are in, then the charts; and
in the masses' rating choosing 满意 skips the question on what to improve. Every page fits 375 px."""

import pytest

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _more_answers(world, survey, n):
    from dangqun.accounts.models import User
    from dangqun.people import services as people_services
    from dangqun.surveys import answering
    from dangqun.surveys.tests.conftest import pulse_answers

    for i in range(n):
        person = people_services.create_person(
            None,
            {"employee_no": f"D{i:04d}", "name": f"职工{i}", "unit": world.dept_a, "gender": "M"},
        )
        user = User.objects.create_user(username=f"d{i}", password="x-1234-word", person=person)
        answering.answer(user, survey, pulse_answers(survey))


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_an_employee_answers_and_results_wait_for_k(page, world):
    from dangqun.surveys import building
    from dangqun.surveys.models import Response

    pulse = building.publish(
        world.owner, building.create_from_template(world.owner, world.company_a, "pulse")
    )
    log_in(page, "member")
    page.goto(page.base_url + "/surveys/")
    page.click("#surveys-todo >> text=员工满意度调查")
    page.wait_for_selector("#answer-form")
    assert "本问卷匿名" in page.inner_text("#anonymous-note")
    fits(page)
    page.click("#submit-answer")  # nothing chosen: refused in Chinese, nothing written
    assert "必答题" in page.inner_text("[data-refusal]")
    assert Response.objects.count() == 0
    for q in pulse.questions.all():
        box = f"#q-{q.position}"
        if q.kind == "rating":
            page.click(f"{box} .survey-point >> text=4")
        elif q.kind == "score":
            page.click(f"{box} .survey-point >> text=9")
        else:
            page.fill(f"{box} textarea", "希望食堂饭菜多一些花样")
    fits(page)
    page.click("#submit-answer")
    page.wait_for_url(page.base_url + "/surveys/")
    assert "感谢您的参与" in page.content()
    assert "员工满意度调查" not in page.inner_text("#surveys-todo")
    assert Response.objects.get().person_id is None

    page.context.clear_cookies()
    log_in(page, "owner")
    page.goto(f"{page.base_url}/surveys/{pulse.pk}/results/")
    assert "不足 5 份，暂不显示" in page.inner_text("#below-k")
    fits(page)
    _more_answers(world, pulse, 4)
    page.reload()
    assert page.locator("#below-k").count() == 0
    page.wait_for_selector("#chart-q" + str(pulse.questions.get(position=1).pk) + " canvas")
    assert "满意率" in page.inner_text("#result-1")
    fits(page)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_choosing_satisfied_skips_the_question_on_what_to_improve(page, world):
    from dangqun.surveys import building

    building.publish(
        world.owner, building.create_from_template(world.owner, world.company_a, "masses_rating")
    )
    log_in(page, "member")
    page.goto(page.base_url + "/surveys/")
    page.click("#surveys-todo >> text=党员群众对党组织满意度测评")
    assert page.locator("#q-2").is_visible()
    page.click("#q-1 >> text=满意")
    assert not page.locator("#q-2").is_visible()
    page.click("#q-1 >> text=不满意")
    assert page.locator("#q-2").is_visible()
    fits(page)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_organiser_sees_the_survey_qr_code(page, world):
    from dangqun.surveys import building

    survey = building.publish(
        world.owner, building.create_from_template(world.owner, world.company_a, "union_home")
    )
    log_in(page, "owner")
    page.goto(f"{page.base_url}/surveys/{survey.pk}/")
    page.wait_for_function("() => document.querySelector('#survey-qr-image').complete")
    assert page.locator("#survey-qr-image").evaluate("img => img.naturalWidth") > 0
    fits(page)


PAINTED = """(selector) => {
  const canvas = document.querySelector(selector);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_satisfaction_index_on_a_phone(page, world):
    """Two waves in two quarters: the organiser opens 满意度指数 from 问卷调查, reads the latest
    index, sees the trend drawn (its canvas painted, not blank) and the explanation; fits 375 px."""
    import datetime as dt

    from dangqun.surveys import satisfaction
    from dangqun.surveys.tests.test_satisfaction import fill_items, wave

    now = satisfaction.quarter_of(dt.date.today())
    earlier = wave(world, now - dt.timedelta(days=80))
    fill_items(earlier, world.company_a, 6, {c: 3 for c in satisfaction.weights()})
    later = wave(world, now + dt.timedelta(days=1))
    fill_items(later, world.company_a, 7, {c: 4 for c in satisfaction.weights()})
    log_in(page, "owner")
    page.goto(page.base_url + "/surveys/")
    page.click("#nav-satisfaction")
    page.wait_for_selector("#chart-trend canvas")
    assert page.inner_text("#latest-index") == "75.0"
    assert "7 份答卷" in page.inner_text("#index-headline")
    page.wait_for_timeout(1200)  # the chart's animation
    assert page.evaluate(PAINTED, "#chart-trend canvas") > 2000
    assert "50.0" in page.inner_text("#trend-table") and "75.0" in page.inner_text("#trend-table")
    assert "GB/T 19038-2009" in page.inner_text("#index-explained")
    fits(page)
