"""Concurrent opens and confirms of one item by one person count once (issue #18 §6): the
unique constraint makes one receipt, the conditional UPDATE one confirmation and one audit row —
and one opening and one confirmation in the reach tally. Readers and recounts at once: the
tallies end equal to the live count (a recount waits for readers in flight, and they for it)."""

import threading

import pytest
from django.db import connection

from dangqun.accounts.models import User
from dangqun.core.models import AuditLog
from dangqun.publicity import reach, reading, tally
from dangqun.publicity.models import Item, ReachTally, Receipt


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
    flags = ReachTally.objects.filter(item=item).aggregate(**tally.sums())
    assert (flags["delivered"], flags["opened"], flags["confirmed"]) == (2, 1, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_readers_and_recounts_at_once_end_equal_to_the_live_count(world, make_item, make_user):
    group = make_user("group", role="party_admin", org=world.committee)
    item = make_item(user=group, org=world.committee, audience_who="everyone")
    readers = [world.member] + [
        make_user(p.name, person=p) for p in (world.li, world.wang, world.zhao)
    ]
    start, errors = threading.Barrier(12), []

    def work(n):
        try:
            start.wait()
            if n < 8:
                user = User.objects.select_related("person").get(pk=readers[n % 4].pk)
                (reading.open_item if n < 4 else reading.confirm)(user, item)
            else:
                tally.rebuild(Item.objects.filter(pk=item.pk))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    item = Item.objects.get(pk=item.pk)
    assert reach.total(group, item) == reach.live_total(group, item)
    assert (reach.total(group, item).opened, reach.total(group, item).confirmed) == (4, 4)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_a_recount_skips_an_item_being_read_instead_of_waiting(world, make_item, monkeypatch):
    """The security review: a recount waiting for an item's readers held back others and could
    wait for ever behind a stream of them. Now it skips the item, tries again, and gives up
    (``Busy``) rather than block; once the reader is done it counts."""
    import time

    from django.db import transaction

    item = make_item()
    holding, done = threading.Event(), threading.Event()

    def reader():  # a reader's transaction in flight: FOR KEY SHARE on the item, as add takes
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM publicity_item WHERE id = %s FOR KEY SHARE", [item.pk]
                )
                holding.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=reader)
    thread.start()
    holding.wait(5)
    monkeypatch.setattr(tally, "PASSES", 2)
    started = time.monotonic()
    with pytest.raises(tally.Busy):
        tally.rebuild(Item.objects.filter(pk=item.pk))
    assert time.monotonic() - started < 3  # skipped, not waited for
    done.set()
    thread.join()
    tally.rebuild(Item.objects.filter(pk=item.pk))
    assert Item.objects.get(pk=item.pk).reach_counted_at is not None
