"""培训班 and 外出培训 for the demo: one assigned class of the demo branch with three sessions — two
held (the employee ``yuangong`` at both, so 8 of 12 学时, not yet 结业) and one next week — and one
external training of ``yuangong`` waiting for the branch to confirm it. Small and deterministic."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dangqun.accounts.models import User
from dangqun.core import uploads
from dangqun.learning import class_attendance, classes, external
from dangqun.learning.class_models import TrainingClass
from dangqun.orgs.models import Org
from dangqun.people.models import Person

TITLE = "学习贯彻党的二十大精神专题培训班"
TOPICS = ["党的二十大报告精神解读", "新时代党的建设总要求", "结合岗位谈学习体会"]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _proof() -> list:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 30, 30)).save(out, "PNG")
    return uploads.check_all([SimpleUploadedFile("结业证书.png", out.getvalue())])


def seed_demo_classes(branch: Org, today: dt.date) -> TrainingClass:
    """The demo's class (and ``yuangong``'s external training); returns the class."""
    secretary = User.objects.get(username="shuji")
    employee = User.objects.get(username="yuangong")
    klass = classes.create(
        secretary,
        {
            "org": branch,
            "title": TITLE,
            "description": "支部全体党员参加，集中学习与交流研讨相结合，出勤学时达到 80% 即结业。",
            "enrolment": "assigned",
            "threshold": 80,
            "audience_who": "members",
        },
    )
    days = [
        today - dt.timedelta(days=14),
        today - dt.timedelta(days=7),
        today + dt.timedelta(days=7),
    ]
    sessions = [
        classes.save_session(
            secretary,
            klass,
            {
                "topic": topic,
                "starts_at": _at(day, 14),
                "ends_at": _at(day, 17),
                "place": "党员活动室",
            },
        )
        for topic, day in zip(TOPICS, days, strict=True)
    ]
    classes.publish(secretary, klass)
    others = list(
        Person.objects.filter(party_branch=branch, is_current_member=True)
        .exclude(pk=employee.person_id)
        .order_by("employee_no")
        .values_list("pk", flat=True)[:6]
    )
    for session in sessions[:2]:
        for person_id in [employee.person_id, *others[: 4 if session is sessions[0] else 3]]:
            class_attendance.mark(secretary, klass, session.pk, person_id, True)
    end = today - dt.timedelta(days=20)
    external.record(
        employee,
        {
            "kind": "online",
            "title": "“学习强国”专题网络培训",
            "organiser": "市直机关工委",
            "starts_on": end - dt.timedelta(days=1),
            "ends_on": end,
            "claimed": Decimal(6),
            "note": "线上课程 6 讲，已全部完成",
            "proofs": _proof(),
        },
    )
    return klass
