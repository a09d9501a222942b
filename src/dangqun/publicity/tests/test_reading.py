"""Reading: the list (pinned on top, unread first), receipts once, 已阅读 for 必读 only, the quiz
graded by the learning app's grading (and required before confirming when set), reach per unit
without names, reminders at most once a day, and e-mail as one digest a day."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from dangqun.core.models import AuditLog
from dangqun.notices.models import Notice
from dangqun.publicity import items, notify, reach, reading
from dangqun.publicity.models import QuizResult, Receipt


def _answers(item, right=True):
    out = {}
    for q in item.questions.all():
        out[str(q.pk)] = [str(q.answer[0] if right else 1 - q.answer[0])]
    return out


def test_list_pinned_on_top_then_unread(world, make_item):
    old = make_item(title="旧", required=False)
    new = make_item(title="新", required=False)
    pinned = make_item(title="置顶", required=False, pinned=True)
    reading.open_item(world.member, new)
    assert list(reading.mine(world.member)) == [pinned, old, new]
    assert list(reading.mine(world.member, "unread")) == [pinned, old]


def test_opening_twice_keeps_one_receipt_with_the_first_time(world, make_item):
    item = make_item()
    first = reading.open_item(world.member, item)
    again = reading.open_item(world.member, item)
    assert Receipt.objects.count() == 1
    assert again.opened_at == first.opened_at


def test_confirm_once_and_only_for_required(world, make_item):
    item = make_item()
    reading.confirm(world.member, item)
    reading.confirm(world.member, item)
    assert Receipt.objects.get().confirmed_at is not None
    assert AuditLog.objects.filter(action="publicity.item_confirm").count() == 1
    plain = make_item(required=False)
    with pytest.raises(ValidationError) as refused:
        reading.confirm(world.member, plain)
    assert "不是必读" in str(refused.value)


def test_quiz_required_before_confirming(world, quiz_item):
    with pytest.raises(ValidationError) as refused:
        reading.confirm(world.member, quiz_item)
    assert "请先通过测验" in str(refused.value)
    assert not Receipt.objects.filter(confirmed_at__isnull=False).exists()
    failed = reading.answer(world.member, quiz_item, _answers(quiz_item, right=False))
    assert (failed.correct, failed.passed) == (0, False)
    passed = reading.answer(world.member, quiz_item, _answers(quiz_item))
    assert (passed.correct, passed.total, passed.passed, passed.tries) == (2, 2, True, 2)
    assert QuizResult.objects.count() == 1
    reading.confirm(world.member, quiz_item)
    assert Receipt.objects.get().confirmed_at is not None


def test_quiz_needs_every_answer(world, quiz_item):
    first = quiz_item.questions.first()
    with pytest.raises(ValidationError) as refused:
        reading.answer(world.member, quiz_item, {str(first.pk): ["1"]})
    assert "请回答第 2 题" in str(refused.value)
    assert not QuizResult.objects.exists()


def test_not_for_me_is_refused(world, make_item, make_user):
    item = make_item()
    zhao = make_user("zhao", person=world.zhao)
    with pytest.raises(ValidationError):
        reading.open_item(zhao, item)
    assert not Receipt.objects.exists()


def test_reach_per_unit_counts_and_rates(world, make_item, make_user, quiz_item):
    li = make_user("li", person=world.li)
    reading.answer(world.member, quiz_item, _answers(quiz_item))
    reading.confirm(world.member, quiz_item)
    reading.open_item(li, quiz_item)
    total = reach.total(world.owner, quiz_item)
    assert (total.delivered, total.opened, total.confirmed, total.passed) == (2, 2, 1, 1)
    assert total.confirmed_rate == 50 and total.pass_rate == 100
    rows = reach.per_unit(world.owner, quiz_item, world.committee_a)
    assert [(r.org, r.delivered, r.confirmed) for r in rows] == [(world.branch_a, 2, 1)]
    chart = reach.by_day(world.owner, quiz_item)
    assert chart["opened"][-1] == 100 and chart["confirmed"][-1] == 50
    assert reach.total(world.outsider, quiz_item).delivered == 0


def test_secretary_sees_who_has_not_confirmed_and_reminds_once_a_day(
    world, make_item, secretary, make_user
):
    li = make_user("li", person=world.li)
    item = make_item()  # the 党委's item reaching the branch
    reading.confirm(world.member, item)
    assert [p.name for p in reach.waiting(secretary, item)] == ["李四"]
    assert reach.remind(secretary, item) == 1
    assert reach.remind(secretary, item) == 0  # the same day: not again
    assert Notice.objects.filter(user=li, kind=notify.REMIND_KIND).count() == 1
    with pytest.raises(ValidationError):
        reach.remind(secretary, item, [world.zhao.pk])  # not in the branch: nobody to remind
    with pytest.raises(PermissionDenied):
        reach.remind(world.reader, item)


def test_email_is_one_digest_a_day(world, make_item, settings):
    settings.DANGQUN_EMAIL_NOTICES = True
    world.member.email = "zhang@example.com"
    world.member.save()
    make_item(title="第一条")
    make_item(title="第二条")
    assert len(mail.outbox) == 0  # never one message per item
    assert notify.send_digests() == 1
    assert len(mail.outbox) == 1
    assert "第一条" in mail.outbox[0].body and "第二条" in mail.outbox[0].body
    assert notify.send_digests() == 0


def test_no_questions_after_publishing(world, make_item):
    item = make_item()
    with pytest.raises(ValidationError):
        items.add_question(
            world.owner, item, {"kind": "fill", "stem": "填空", "options": [], "answer": ["是"]}
        )


def test_reach_of_an_item_to_every_employee_is_compared_by_unit(world, make_item, make_user):
    """A 党委's item to 全体职工: 王五 holds no branch, so the figures go by the company's units."""
    item = make_item(audience_who="everyone", required=False)
    wang = make_user("wang", person=world.wang)
    reading.open_item(wang, item)
    root = reach.root_for(world.owner, item)
    assert root == world.company_a
    rows = reach.per_unit(world.owner, item, root)
    assert [(r.org, r.delivered, r.opened) for r in rows] == [(world.dept_a, 3, 1)]
    assert reach.root_for(world.owner, item, str(world.dept_a.pk)) == world.dept_a
    assert reach.root_for(world.owner, item, str(world.dept_b.pk)) == world.company_a
