"""Background e-mail for notices, on Huey."""

import datetime

from huey.contrib.djhuey import db_task

from dangqun.notices.models import Notice
from dangqun.notices.services import send_emails


@db_task(retries=3, retry_delay=60)
def send_notice_emails(kind: str, created_at: str, user_ids: list[int]) -> int:
    """E-mail the notices of one ``notify`` call (identified by kind, moment and recipients)."""
    notices = Notice.objects.filter(
        user_id__in=user_ids,
        kind=kind,
        created_at=datetime.datetime.fromisoformat(created_at),
        emailed_at__isnull=True,
    )
    return send_emails(notices.values_list("pk", flat=True))
