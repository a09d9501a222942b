"""Exam notices (issue #17 §5): the audience is told once when an exam opens; those who have not
submitted are told once the day before it closes."""

import datetime as dt

from django.utils import timezone

from dangqun.learning import exam_notices, exams
from dangqun.notices.models import Notice


def test_opening_and_closing_tomorrow_are_told_once(world, make_exam, make_user):
    li = make_user("li", person=world.li)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    exam = make_exam(closes_at=tomorrow.replace(hour=23, minute=0))
    assert exam_notices.send() > 0
    opened = Notice.objects.filter(kind="learning.exam.open")
    assert set(opened.values_list("user__username", flat=True)) == {"member", "li"}
    closing = Notice.objects.filter(kind="learning.exam.closing")
    assert set(closing.values_list("user__username", flat=True)) == {"member", "li"}
    exam_notices.send()
    assert Notice.objects.count() == 4  # once each
    # someone who has submitted is not reminded
    Notice.objects.filter(kind="learning.exam.closing").delete()
    exams.submit(li, exams.start(li, exam).pk)
    exam_notices.send()
    closing = Notice.objects.filter(kind="learning.exam.closing")
    assert list(closing.values_list("user__username", flat=True)) == ["member"]
