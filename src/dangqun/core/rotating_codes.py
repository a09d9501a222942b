"""Check-in codes that rotate: the code shown at a meeting or an activity changes every
``WINDOW`` seconds, so a photo of it is useless later, and it cannot be derived without the
server's key and the record's own secret (decision 0012). 组织生活 and 活动 both call this.

Each record keeps a random ``secret`` (``new_secret``); the code is an HMAC of the record's
id, that secret and the current window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils import timezone

WINDOW = 30  # seconds a code is shown before the next one
GRACE = 1  # windows before the current one still accepted (the code on screen just rotated)
EXPIRED = "签到码已过期，请扫描现场当前显示的二维码"


def new_secret() -> str:
    return secrets.token_hex(16)


def code_for(pk: int, secret: str, at: dt.datetime | None = None) -> str:
    """The code shown now for the record ``pk`` with ``secret``."""
    window = int((at or timezone.now()).timestamp()) // WINDOW
    message = f"{pk}:{secret}:{window}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return digest[:10]


def changes_at(at: dt.datetime | None = None) -> dt.datetime:
    """When the code shown now is replaced by the next one."""
    window = int((at or timezone.now()).timestamp()) // WINDOW
    return dt.datetime.fromtimestamp((window + 1) * WINDOW, tz=dt.UTC)


def is_valid(pk: int, secret: str, code: str, at: dt.datetime | None = None) -> bool:
    """The code on screen now, or the one just before it (it may have rotated while scanning)."""
    at = at or timezone.now()
    given = (code or "").strip().lower()
    return any(
        hmac.compare_digest(
            given.encode(), code_for(pk, secret, at - dt.timedelta(seconds=WINDOW * n)).encode()
        )
        for n in range(GRACE + 1)
    )
