"""Periodic work of 政策宣传 on Huey."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dangqun.publicity import items, notify, tally
from dangqun.publicity.models import Item


@db_task(retries=3, retry_delay=60)
def announce_item(item_id: int) -> int:
    """A 必读 item just published: its audience told in the bell (a whole group's audience is
    written here, not in the publisher's request)."""
    item = Item.objects.filter(pk=item_id, announced_at__isnull=True).first()
    return notify.announce(item) if item is not None else 0


@db_task(retries=3, retry_delay=60)
def count_reach(item_id: int) -> int:
    """An item just published (or its audience changed): its reach tallies written."""
    tally.rebuild(Item.objects.filter(pk=item_id))
    return item_id


@db_periodic_task(crontab(hour="3", minute="20"))
def recount_reach() -> int:
    """Every night: every item's reach recounted from the records (people move); drift logged."""
    return len(tally.nightly_check())


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
