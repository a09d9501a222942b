import uuid

import pytest

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_handler_starts_the_answer_from_a_similar_voice_answered_last_year(
    page, world, make_user
):
    from django.utils import timezone

    from dangqun.voices import duplicates, handling, intake
    from dangqun.voices.models import Status, Voice

    mass = make_user("mass", role="mass_admin", org=world.company_a)
    handler = make_user("handler", role="handler", org=world.dept_a)
    last_year = timezone.now() - timezone.timedelta(days=380)
    before = Voice.objects.create(
        title="班车太挤",
        content="早上 7 点的班车经常满员，希望高峰期加开一班。",
        status=Status.CLOSED,
        unit=world.dept_a,
        handling_org=world.dept_a,
        query_code_hash=uuid.uuid4().hex,
        submitted_at=last_year,
        answered_at=last_year,
        answer="已协调公交公司，高峰期 7:10 加开一班，下周一起执行。",
        solved=True,
    )
    duplicates.index_voices([before.pk])
    voice = intake.submit(
        None,
        {"title": "早班车太挤", "content": "7 点的班车经常满员，希望高峰期再加开一班。"},
        unit=world.dept_a,
        channel="qr",
        identity="anonymous",
    ).voice  # indexed after commit by the task (immediate in tests)
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)

    log_in(page, "handler")
    page.goto(f"{page.base_url}/voices/{voice.pk}/")
    assert "高峰期 7:10 加开一班" in page.inner_text("#answered-before")
    fits(page)
    page.click("#answered-before a:has-text('用作答复草稿')")
    page.wait_for_url(f"**/voices/{voice.pk}/?draft={before.pk}#action-answer")
    assert "7:10 加开一班" in page.input_value("#action-answer #id_text")
    page.fill("#action-answer #id_text", "已协调公交公司，高峰期 7:10 加开一班，本周一起执行。")
    page.click("#action-answer button[type=submit]")
    page.wait_for_selector("#voice-status:has-text('待评价')")
    assert "本周一起执行" in page.inner_text("#answer")
    fits(page)
