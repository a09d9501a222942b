"""A volunteer activity held and its hours confirmed, then corrected, for the certificate and
export tests: 张三 served 社区义诊 (branch A), confirmed 2.5 h, corrected to 3.0 h."""

import datetime as dt
from decimal import Decimal

from dangqun.activities import hours, organising, signups


def serve(world, organiser, make_activity, employee, title="社区义诊"):
    activity = make_activity(title=title, starts_in=-dt.timedelta(hours=4), hours=3, capacity=5)
    signups.sign_up(employee(world.zhang), activity)
    organising.mark_held(organiser, activity)
    (line,) = hours.confirmation_lines(activity)
    hours.confirm(organiser, activity, {line.signup.pk: Decimal("2.5")})
    hours.correct(organiser, activity, line.signup.pk, Decimal("3.0"), "签退漏记半小时")
    activity.refresh_from_db()
    return activity
