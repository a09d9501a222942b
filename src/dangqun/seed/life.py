"""组织生活 for the demo: the demo branch's year planned from the cadence rules, the months before
today held and finalised with attendance (a few leaves and absences, one month missed), so the
radar has something true to say."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.life import attendance, planning, recording
from dangqun.life.models import Presence
from dangqun.orgs.models import Org

MINUTES = "书记传达上级精神，党员逐一交流学习体会。会议要求结合岗位抓好落实。"
LEAVE_REASONS = ["出差", "值班", "病假", "外出培训"]


def seed_demo_life(rng: random.Random, branch: Org, secretary: User, today: dt.date) -> int:
    """Plan the demo branch's year and hold what is past; returns the meetings held."""
    planned = planning.plan_year(secretary, branch, today.year)
    skipped = today.month - 2 if today.month > 2 else None  # one month's 主题党日 was missed
    held = 0
    for meeting in sorted(planned, key=lambda m: m.starts_at):
        day = timezone.localtime(meeting.starts_at).date()
        if day >= today:
            continue
        if meeting.kind == "theme_day" and day.month == skipped:
            continue
        for attendee in meeting.attendees.all():
            roll = rng.random()
            if roll < 0.85:
                attendance.mark(secretary, meeting, attendee.person, Presence.PRESENT)
            elif roll < 0.95:
                reason = rng.choice(LEAVE_REASONS)
                attendance.mark(secretary, meeting, attendee.person, Presence.LEAVE, reason)
        recording.update(secretary, meeting, {"minutes": MINUTES, "place": "党员活动室"})
        recording.finalise(secretary, meeting)
        held += 1
    return held
