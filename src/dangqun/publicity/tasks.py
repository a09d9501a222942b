"""Periodic work of 政策宣传 on Huey."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dangqun.publicity import items, notify


@db_periodic_task(crontab(minute="*/5"))
def announce_scheduled() -> int:
    """Every five minutes: scheduled 必读 items whose time has come are announced (once)."""
    return notify.announce_due()


@db_periodic_task(crontab(hour="17", minute="30"))
def send_publicity_digests() -> int:
    """Every afternoon: one e-mail per person listing the day's publicity notices."""
    return notify.send_digests()


@db_periodic_task(crontab(hour="2", minute="45"))
def sweep_orphan_publicity_files() -> int:
    """Every night: delete item files left by saves whose transaction failed."""
    return items.sweep_orphan_files()
