"""Exam notices (issue #17 §5): when an exam opens, its audience is told once; the day before it
closes, those who have not submitted are told once. The keys make each notice once per person."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.learning.exam_models import Attempt, Exam
from dangqun.notices.services import notify
from dangqun.people import audience

LOOKBACK = dt.timedelta(days=2)  # an exam opened while the task was down is still announced


def _users(person_ids) -> list[int]:
    return list(User.objects.filter(person_id__in=person_ids).values_list("pk", flat=True))


def send(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for exam in Exam.objects.filter(
        opens_at__lte=now, opens_at__gt=now - LOOKBACK, closes_at__gt=now
    ):
        people = audience.people(exam).values_list("pk", flat=True)
        sent += notify(
            _users(people),
            kind="learning.exam.open",
            title=f"考试已开始：{exam.title}（{timezone.localtime(exam.closes_at):%m月%d日 %H:%M} 截止）",
            url=reverse("learning:exam", args=[exam.pk]),
            key=f"learning.exam.open.{exam.pk}",
        )
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    for exam in Exam.objects.filter(closes_at__gt=now, closes_at__date=tomorrow):
        done = Attempt.objects.filter(exam=exam, submitted_at__isnull=False).values("person_id")
        people = audience.people(exam).exclude(pk__in=done).values_list("pk", flat=True)
        sent += notify(
            _users(people),
            kind="learning.exam.closing",
            title=f"考试明天截止：{exam.title}，您还没有交卷",
            url=reverse("learning:exam", args=[exam.pk]),
            key=f"learning.exam.closing.{exam.pk}",
        )
    return sent
