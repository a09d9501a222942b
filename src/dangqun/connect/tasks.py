"""Background pushes to 企业微信 / 钉钉, on Huey: retried with a growing delay."""

import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangqun.connect import delivery
from dangqun.notices.models import Notice


@db_task(retries=4, retry_delay=60)
def push_notices(kind: str, created_at: str, user_ids: list[int]) -> int:
    """Push the notices of one ``notify`` call (identified by kind, moment and recipients)."""
    notices = Notice.objects.filter(
        user_id__in=user_ids,
        kind=kind,
        created_at=datetime.datetime.fromisoformat(created_at),
    )
    return delivery.push(notices.values_list("pk", flat=True))


# 08:00 in China (Huey's schedule is in UTC).
@db_periodic_task(crontab(hour="0", minute="0"), retries=3, retry_delay=300)
def send_daily_digests() -> int:
    return delivery.digest()
