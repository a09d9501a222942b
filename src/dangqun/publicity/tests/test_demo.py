"""The demo's 政策宣传: a pinned 必读 item with a quiz, partly confirmed, the demo employee not yet;
the branch secretary sees whom to remind; the 工作台 shows 我的必读."""

import pytest
from django.core.management import call_command

from dangqun.accounts.models import User
from dangqun.core.cards import compute_one
from dangqun.publicity import reach, reading
from dangqun.publicity.models import Item, Receipt


@pytest.mark.django_db
def test_demo_items(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("demo", "--no-serve")
    must = Item.objects.get(required=True)
    assert must.questions.count() == 3 and must.quiz_required and must.pinned
    assert Item.objects.filter(status="published").count() == 3
    confirmed = Receipt.objects.filter(item=must, confirmed_at__isnull=False).count()
    dangwei = User.objects.get(username="dangwei")
    assert must.reach_counted_at is not None  # the seed leaves the tallies written
    assert reach.total(dangwei, must) == reach.live_total(dangwei, must)
    assert (
        0 < confirmed == reach.total(dangwei, must).confirmed < reach.total(dangwei, must).delivered
    )
    yuangong = User.objects.get(username="yuangong")
    assert reading.mine(yuangong, "required").first() == must
    assert not Receipt.objects.filter(item=must, person=yuangong.person).exists()
    assert yuangong.person in reach.waiting(User.objects.get(username="shuji"), must)
    card = compute_one(yuangong, "publicity.mine")
    assert card is not None and card.numbers[0].value == 1
