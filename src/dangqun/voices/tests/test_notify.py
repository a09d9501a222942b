"""Who hears about a voice: the handling unit on assignment, the person on an answer, the handler on
a rating, and before and after deadlines; an overdue voice is reported to the supervisor once."""

import datetime

import pytest

from dangqun.notices.models import Notice
from dangqun.voices import followup, handling, notify
from dangqun.voices.models import Identity, VoiceEvent

pytestmark = pytest.mark.django_db


def kinds(user):
    return list(Notice.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def test_the_loop_tells_each_side_what_it_must_do(world, mass, handler, raise_voice):
    voice, _ = raise_voice(world.member, identity=Identity.NAMED, channel="web")
    handling.assign(mass, voice, handling_org=world.dept_a)
    assert kinds(handler) == ["voice.assigned"]
    notice = Notice.objects.get(user=handler)
    assert voice.number in notice.title and "食堂" not in notice.title  # no content in a notice
    handling.respond(handler, voice)
    handling.ask_info(handler, voice, question="请说明是哪个食堂")
    handling.answer(handler, voice, text="已公示成本。", solved=True)
    assert kinds(world.member) == ["voice.info", "voice.answered"]
    followup.rate(world.member, voice, rating="unsatisfied")
    assert kinds(handler) == ["voice.assigned", "voice.rated", "voice.assigned"]


def test_an_anonymous_person_gets_nothing_and_nothing_is_linked(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    handling.answer(handler, voice, text="已处理。", solved=True)
    assert set(Notice.objects.values_list("user_id", flat=True)) == {handler.pk}


def test_deadlines_warn_before_and_report_once_after(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a, urgency="emergency")
    voice.refresh_from_db()
    before = voice.response_due - datetime.timedelta(minutes=30)
    # 紧急: 2 hours to respond and 24 to resolve; both are within their warning windows
    assert notify.remind_deadlines(before)["soon"] == 2
    assert notify.remind_deadlines(before)["soon"] == 0  # told once
    after = voice.response_due + datetime.timedelta(minutes=5)
    assert notify.remind_deadlines(after)["overdue"] == 1
    assert notify.remind_deadlines(after)["overdue"] == 0  # reported once
    assert kinds(handler) == ["voice.assigned", "voice.due_soon", "voice.due_soon", "voice.overdue"]
    assert kinds(mass) == ["voice.escalated"]
    event = voice.events.get(action=VoiceEvent.Action.ESCALATE)
    assert event.due == voice.response_due and "报上级督办" in event.note
    # a deadline passed long ago was reported then: not read again
    later = voice.resolution_due + datetime.timedelta(days=10)
    assert notify.remind_deadlines(later) == {"soon": 0, "overdue": 0}


def test_answered_voices_are_not_reminded(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    handling.answer(handler, voice, text="已处理。", solved=True)
    voice.refresh_from_db()
    assert notify.remind_deadlines(voice.resolution_due + datetime.timedelta(hours=1)) == {
        "soon": 0,
        "overdue": 0,
    }


def test_extension_requests_reach_the_supervisor_and_the_decision_the_handler(
    world, mass, handler, raise_voice
):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    voice.refresh_from_db()
    handling.ask_extension(
        handler, voice, until=voice.resolution_due + datetime.timedelta(days=3), reason="需采购"
    )
    assert kinds(mass) == ["voice.extension"]
    handling.decide_extension(mass, voice, approve=True)
    assert kinds(handler)[-1] == "voice.extension_decided"
    assert "已批准" in Notice.objects.filter(user=handler).order_by("id").last().title
