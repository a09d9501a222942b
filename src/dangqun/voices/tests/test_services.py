"""The closed loop: submit → 受理交办 → 接办 → 答复 → 评价, and every refusal on the way."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangqun.core.models import AuditLog
from dangqun.voices import followup, handling, services
from dangqun.voices.models import Channel, Identity, Kind, Rating, Status, Voice, VoiceEvent

A = VoiceEvent.Action


def actions(voice):
    return list(voice.events.values_list("action", flat=True))


def answered(voice, mass, handler, world, text="已公示成本，下月起调整"):
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    return handling.answer(handler, voice, text=text, solved=True)


def test_the_whole_loop_with_a_satisfied_rating(world, mass, handler, raise_voice, canteen):
    voice, code = raise_voice(category=canteen)
    assert voice.status == Status.SUBMITTED and voice.number.startswith("HS")
    assert services.find_by_code(code) == voice
    assert services.find_by_code(code.lower().replace("-", " ")) == voice  # as typed by hand

    voice = handling.assign(mass, voice, handling_org=world.dept_a, category=canteen)
    assert voice.status == Status.ASSIGNED
    assert voice.assigned_at <= voice.response_due <= voice.resolution_due
    voice = handling.respond(handler, voice)
    assert (voice.status, voice.handler) == (Status.IN_PROGRESS, handler)
    voice = handling.answer(handler, voice, text="已公示成本", solved=True)
    assert voice.status == Status.ANSWERED and voice.answered_at
    voice = followup.rate(None, voice, rating=Rating.SATISFIED, by_code=True)
    assert (voice.status, voice.rating) == (Status.CLOSED, Rating.SATISFIED)
    assert actions(voice) == [A.SUBMIT, A.ASSIGN, A.RESPOND, A.ANSWER, A.RATE]
    assert not voice.overdue()


def test_unsatisfied_reopens_once_then_closes(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    answered(voice, mass, handler, world)
    voice = followup.rate(None, voice, rating=Rating.UNSATISFIED, comment="没解决", by_code=True)
    assert (voice.status, voice.reopened, voice.handler) == (Status.ASSIGNED, True, None)
    assert actions(voice)[-2:] == [A.RATE, A.REOPEN]
    handling.respond(handler, voice)
    handling.answer(handler, voice, text="第二次答复", solved=False)
    voice = followup.rate(None, voice, rating=Rating.UNSATISFIED, by_code=True)
    assert voice.status == Status.CLOSED and voice.rating == Rating.UNSATISFIED


def test_a_second_rating_is_refused_and_changes_nothing(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    answered(voice, mass, handler, world)
    followup.rate(None, voice, rating=Rating.BASICALLY, by_code=True)
    with pytest.raises(ValidationError, match="已评价"):
        followup.rate(None, voice, rating=Rating.UNSATISFIED, by_code=True)
    voice.refresh_from_db()
    assert (voice.status, voice.rating) == (Status.CLOSED, Rating.BASICALLY)


def test_only_the_person_rates(world, mass, handler, raise_voice):
    voice, _ = raise_voice(actor=world.member, identity=Identity.NAMED, channel=Channel.WEB)
    answered(voice, mass, handler, world)
    with pytest.raises(PermissionDenied):
        followup.rate(handler, voice, rating=Rating.SATISFIED)
    voice = followup.rate(world.member, voice, rating=Rating.SATISFIED)
    assert voice.status == Status.CLOSED


def test_two_handlers_respond_to_the_same_voice_one_wins(
    world, mass, handler, make_user, raise_voice
):
    colleague = make_user("colleague", role="handler", org=world.dept_a)
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    seen_by_both = Voice.objects.get(pk=voice.pk)  # both pages were opened while 待响应
    handling.respond(handler, seen_by_both)
    with pytest.raises(ValidationError, match="已由他人接办"):
        handling.respond(colleague, Voice.objects.get(pk=voice.pk))
    voice.refresh_from_db()
    assert voice.handler == handler
    assert actions(voice).count(A.RESPOND) == 1


def test_scope_decides_who_acts(world, mass, handler, make_user, raise_voice):
    voice, _ = raise_voice()
    other_mass = make_user("mass_b", role="mass_admin", org=world.company_b)
    with pytest.raises(PermissionDenied):
        handling.assign(other_mass, voice, handling_org=world.dept_b)
    with pytest.raises(PermissionDenied):  # 受理 yes, but not into another company
        handling.assign(mass, voice, handling_org=world.dept_b)
    handling.assign(mass, voice, handling_org=world.dept_a)
    other_handler = make_user("handler_b", role="handler", org=world.dept_b)
    with pytest.raises(PermissionDenied):
        handling.respond(other_handler, voice)
    assert list(services.visible_to(other_mass)) == []
    assert list(services.visible_to(other_handler)) == []
    assert list(services.visible_to(handler)) == [voice]
    assert list(services.visible_to(world.reader)) == [voice]  # the leader reads company A's


def test_a_handler_sees_only_what_is_assigned_to_their_unit(world, handler, raise_voice):
    voice, _ = raise_voice()
    assert list(services.visible_to(handler)) == []  # raised in 综合部, not yet handed to it
    voice.handling_org = world.dept_a
    voice.save()
    assert list(services.visible_to(handler)) == [voice]


def test_transfer_send_back_refuse_and_merge(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.send_back(handler, voice, reason="应由工会办理")
    voice.refresh_from_db()
    assert (voice.status, voice.handling_org) == (Status.SUBMITTED, None)
    handling.assign(mass, voice, handling_org=world.dept_a)
    voice = handling.transfer(mass, voice, handling_org=world.company_a, note="公司层面统筹")
    assert voice.handling_org == world.company_a and voice.status == Status.ASSIGNED
    with pytest.raises(ValidationError, match="转办原因"):
        handling.transfer(mass, voice, handling_org=world.dept_a, note=" ")

    second, _ = raise_voice(title="食堂价格")
    handling.merge(mass, second, into=voice)
    second.refresh_from_db()
    assert (second.status, second.merged_into) == (Status.MERGED, voice)

    third, _ = raise_voice(title="与本单位无关")
    with pytest.raises(ValidationError, match="理由"):
        handling.refuse(mass, third, reason="")
    third = handling.refuse(mass, third, reason="属于个人劳动争议，请向劳动争议调解委员会申请")
    assert third.status == Status.RETURNED and third.closed_at


def test_extension_needs_approval(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    voice.refresh_from_db()
    later = voice.resolution_due + datetime.timedelta(days=10)
    with pytest.raises(ValidationError, match="待审批"):
        handling.decide_extension(mass, voice, approve=True)
    with pytest.raises(ValidationError, match="晚于"):
        handling.ask_extension(handler, voice, until=voice.resolution_due, reason="需要采购")
    handling.ask_extension(handler, voice, until=later, reason="需要采购设备")
    voice = handling.decide_extension(mass, voice, approve=True)
    assert voice.resolution_due == later
    with pytest.raises(ValidationError, match="待审批"):
        handling.decide_extension(mass, voice, approve=False)


def test_overdue_is_derived_from_the_deadlines(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    voice.refresh_from_db()
    assert voice.overdue(voice.response_due - datetime.timedelta(minutes=1)) == ""
    assert voice.overdue(voice.response_due + datetime.timedelta(minutes=1)) == "响应超时"
    handling.respond(handler, voice)
    voice.refresh_from_db()
    assert voice.overdue(voice.resolution_due + datetime.timedelta(minutes=1)) == "办理超时"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"title": ""}, "title", "请填写标题"),
        ({"title": "长" * 101}, "title", "标题不能超过 100 个字"),
        ({"content": "  "}, "content", "请填写反映的内容"),
        ({"content": "字" * 50_001}, "content", "内容不能超过 50000 个字"),
        ({"kind": Kind.PROPOSAL}, "kind", "请选择反映类型"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(world, raise_voice, data, field, message):
    with pytest.raises(ValidationError) as caught:
        raise_voice(**data)
    assert message in caught.value.message_dict[field][0]
    assert Voice.objects.count() == 0 and not AuditLog.objects.filter(action="voice.submit")


def test_named_voice_without_a_name_is_refused(world, raise_voice):
    with pytest.raises(ValidationError, match="留下姓名"):
        raise_voice(identity=Identity.NAMED, contact_name="")


def test_staff_record_a_phone_call_on_someones_behalf(world, mass, raise_voice):
    voice, _ = raise_voice(
        actor=mass, identity=Identity.NAMED, channel=Channel.PHONE, contact_name="刘师傅"
    )
    assert voice.user is None and voice.contact_name == "刘师傅"
    submit = voice.events.get(action=A.SUBMIT)
    assert submit.actor == mass and "电话" in submit.note
    with pytest.raises(PermissionDenied):
        raise_voice(actor=world.member, identity=Identity.NAMED, channel=Channel.PHONE)


def test_confidential_identity_is_shown_to_admins_only(world, mass, handler, raise_voice):
    voice, _ = raise_voice(actor=world.member, identity=Identity.CONFIDENTIAL, channel=Channel.WEB)
    handling.assign(mass, voice, handling_org=world.dept_a)
    assert services.who_raised(mass, voice) == "张三"
    assert services.who_raised(handler, voice) == "保密"
    named, _ = raise_voice(actor=world.member, identity=Identity.NAMED, channel=Channel.WEB)
    assert services.who_raised(handler, named) == "张三"


def test_an_anonymous_voice_from_a_logged_in_employee_is_not_linked(world, raise_voice):
    voice, _ = raise_voice(actor=world.member, identity=Identity.ANONYMOUS, channel=Channel.WEB)
    assert (voice.user, voice.person, voice.contact_name, voice.contact_phone) == (
        None,
        None,
        "",
        "",
    )
    row = AuditLog.objects.get(action="voice.submit")
    assert (row.actor, row.actor_name, row.ip, row.request_id) == (None, "", None, "")
    assert list(services.visible_to(world.member)) == []


def test_unrated_answers_close_after_the_configured_days(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    answered(voice, mass, handler, world)
    assert followup.close_unrated() == 0
    later = timezone.now() + datetime.timedelta(days=8)
    assert followup.close_unrated(later) == 1
    voice.refresh_from_db()
    assert voice.status == Status.CLOSED and voice.rating == ""
    assert actions(voice)[-1] == A.CLOSE


def test_closing_unrated_answers_is_audited_in_the_same_transaction(
    world, mass, handler, raise_voice, monkeypatch
):
    voice, _ = raise_voice()
    answered(voice, mass, handler, world)
    later = timezone.now() + datetime.timedelta(days=8)

    def audit_down(*args, **kwargs):
        raise RuntimeError("audit down")

    with monkeypatch.context() as patch:
        patch.setattr(followup.audit, "record", audit_down)
        with pytest.raises(RuntimeError):
            followup.close_unrated(later)
    voice.refresh_from_db()
    assert voice.status == Status.ANSWERED

    assert followup.close_unrated(later) == 1
    row = AuditLog.objects.get(action="voice.auto_close")
    assert (row.actor, row.object_id, row.after) == (None, str(voice.pk), {"days": 7})


def test_a_forged_code_finds_nothing(world, raise_voice):
    raise_voice()
    assert services.find_by_code("AAAA-BBBB-CCCC") is None
    assert services.find_by_code("") is None
    assert services.find_by_code("X" * 100) is None


def test_an_extension_asked_by_a_unit_lapses_when_the_voice_moves_on(
    world, mass, handler, raise_voice
):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    voice.refresh_from_db()
    promised = voice.resolution_due
    handling.ask_extension(
        handler, voice, until=promised + datetime.timedelta(days=30), reason="需要采购"
    )
    handling.transfer(mass, voice, handling_org=world.company_a, note="公司统筹")
    with pytest.raises(ValidationError, match="待审批"):
        handling.decide_extension(mass, voice, approve=True)
    voice.refresh_from_db()
    assert voice.resolution_due == promised


def test_an_extension_has_an_upper_bound(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    voice.refresh_from_db()
    with pytest.raises(ValidationError, match="不能超过 90 天"):
        handling.ask_extension(
            handler, voice, until=voice.resolution_due + datetime.timedelta(days=3650), reason="久"
        )
