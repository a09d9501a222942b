"""The large set's 政策宣传 at a tiny count: items from the party's organisations, receipts once per
item and person within each item's audience, confirmations only on 必读 items, quiz results only
for those who confirmed a quiz item; reach tallies equal to the live count."""

import datetime as dt

import pytest

from dangqun.people import audience
from dangqun.publicity import tally
from dangqun.publicity.models import Item, QuizResult, ReachTally, Receipt
from dangqun.seed.bulk_publicity import seed_bulk_publicity


@pytest.mark.django_db
def test_tiny_bulk_publicity(world):
    written = seed_bulk_publicity(
        world.committee,
        items=30,
        receipts=40,
        seed=7,
        today=dt.date.today(),
        progress=lambda m: None,
    )
    assert written["items"] == Item.objects.count() == 30
    assert written["receipts"] == Receipt.objects.count() > 0
    for receipt in Receipt.objects.select_related("item", "item__org"):
        assert audience.includes(receipt.item, receipt.person)
        assert receipt.opened_at >= receipt.item.publish_at
        if receipt.confirmed_at:
            assert receipt.item.required
    for result in QuizResult.objects.all():
        assert Receipt.objects.filter(
            item=result.item, person=result.person, confirmed_at__isnull=False
        ).exists()
    for item in Item.objects.all():  # the reach tallies left as the live count finds them
        kept = {
            (r.unit_id, r.party_branch_id, r.union_org_id, r.league_org_id): {
                f: getattr(r, f) for f in tally.FLAGS
            }
            for r in ReachTally.objects.filter(item=item)
        }
        assert kept == tally.live(item)
    assert ReachTally.objects.filter(opened__gt=0).exists()
    again = seed_bulk_publicity(
        world.committee,
        items=30,
        receipts=40,
        seed=7,
        today=dt.date.today(),
        progress=lambda m: None,
    )
    assert again["receipts"] == written["receipts"]  # deterministic per seed
