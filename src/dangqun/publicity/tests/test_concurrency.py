"""Concurrent opens and confirms of one item by one person count once (issue #18 §6): the
unique constraint makes one receipt, the conditional UPDATE one confirmation and one audit row."""

import threading

import pytest
from django.db import connection

from dangqun.core.models import AuditLog
from dangqun.publicity import reading
from dangqun.publicity.models import Receipt


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_eight_confirms_at_once_count_once(world, make_item):
    item = make_item()
    start, errors = threading.Barrier(8), []

    def tap(n):
        try:
            start.wait()
            if n % 2:
                reading.open_item(world.member, item)
            else:
                reading.confirm(world.member, item)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Receipt.objects.filter(item=item).count() == 1
    assert Receipt.objects.get(item=item).confirmed_at is not None
    assert AuditLog.objects.filter(action="publicity.item_confirm").count() == 1
