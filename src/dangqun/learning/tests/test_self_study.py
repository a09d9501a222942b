"""学时 from self-study (rule ``learning.self_study``, off by default): hours per confirmed
material, capped per person-year in confirmation order, kept right by ``ledger.rebuild``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangqun.core.models import RuleOverride
from dangqun.learning import ledger, materials, studies
from dangqun.learning.models import LedgerEntry, Source
from dangqun.learning.sources_self_study import allot


@given(
    st.decimals(min_value=0, max_value=10, places=1),
    st.decimals(min_value=0, max_value=60, places=1),
    st.integers(0, 80),
)
def test_allot_never_passes_the_cap_and_fills_in_order(per_item, cap, count):
    hours = allot(per_item, cap, count)
    assert len(hours) == count
    assert sum(hours, Decimal(0)) == min(per_item * count, cap)
    assert all(0 <= h <= per_item for h in hours)
    assert hours == sorted(hours, reverse=True)  # earlier confirmations first


def rule(enabled: bool, **params):
    RuleOverride.objects.update_or_create(
        rule_id="learning.self_study", defaults={"enabled": enabled, "params": params}
    )


def publish(user, org, n):
    out = []
    for i in range(n):
        data = {
            "org": org,
            "title": f"资料{i}",
            "kind": "link",
            "url": "https://www.12371.cn/",
            "audience_who": "members",
            "tags": [],
        }
        out.append(materials.publish(user, materials.create(user, data)))
    return out


def entries(person):
    return list(
        LedgerEntry.objects.filter(source=Source.SELF_STUDY, person=person)
        .order_by("on", "source_id")
        .values_list("hours", flat=True)
    )


def test_off_by_default_nothing_is_credited(world, secretary):
    for m in publish(secretary, world.branch_a, 2):
        studies.confirm(world.member, m)
    assert entries(world.zhang) == []
    assert ledger.rebuild(world.today.year) == 0


def test_on_credits_per_item_up_to_the_cap_in_confirmation_order(world, secretary):
    rule(True, hours_per_item=1.5, cap=4)
    rows = publish(secretary, world.branch_a, 4)
    for m in rows:
        studies.confirm(world.member, m)
    assert entries(world.zhang) == [Decimal("1.5"), Decimal("1.5"), Decimal("1.0")]
    credited = LedgerEntry.objects.filter(source=Source.SELF_STUDY).values_list("title", flat=True)
    assert sorted(credited) == ["自学：资料0", "自学：资料1", "自学：资料2"]
    assert ledger.rebuild(world.today.year) == 0  # nothing drifted
    year = ledger.year_of(world.zhang.pk, world.today.year)
    assert year.done == Decimal(4)
    # a note added later credits nothing more
    studies.confirm(world.member, rows[0], "补充心得")
    assert ledger.rebuild(world.today.year) == 0


def test_switching_the_rule_is_put_right_by_rebuild(world, secretary):
    rows = publish(secretary, world.branch_a, 3)
    for m in rows:
        studies.confirm(world.member, m)
    rule(True, hours_per_item=1, cap=8)
    assert ledger.rebuild(world.today.year) == 3
    assert entries(world.zhang) == [Decimal(1)] * 3
    assert ledger.rebuild(world.today.year) == 0
    rule(True, hours_per_item=1, cap=2)
    assert ledger.rebuild(world.today.year) == 1
    assert entries(world.zhang) == [Decimal(1)] * 2
    rule(False, hours_per_item=1, cap=8)
    assert ledger.rebuild(world.today.year) == 2
    assert entries(world.zhang) == []
    assert ledger.year_of(world.zhang.pk, world.today.year).done == 0


def test_the_cap_is_per_person(world, secretary, make_user):
    rule(True, hours_per_item=2, cap=2)
    li = make_user("li", person=world.li)
    rows = publish(secretary, world.branch_a, 2)
    for m in rows:
        studies.confirm(world.member, m)
    studies.confirm(li, rows[1])
    assert entries(world.zhang) == [Decimal(2)]
    assert entries(world.li) == [Decimal(2)]
    assert ledger.rebuild(world.today.year) == 0


def test_the_cap_is_per_year(world, secretary):
    rule(True, hours_per_item=1, cap=1)
    old, new = publish(secretary, world.branch_a, 2)
    last_year = studies.confirm(world.member, old)
    # made last year (a confirmation's time never changes; here the record is moved by hand)
    last_year.confirmed_at = dt.datetime(world.today.year - 1, 6, 1, 8, 0, tzinfo=dt.UTC)
    last_year.save()
    ledger.rebuild(world.today.year)
    ledger.rebuild(world.today.year - 1)
    studies.confirm(world.member, new)
    years = sorted(
        LedgerEntry.objects.filter(source=Source.SELF_STUDY).values_list("year", "hours")
    )
    assert years == [(world.today.year - 1, Decimal(1)), (world.today.year, Decimal(1))]
    assert ledger.rebuild(world.today.year) == 0
    assert ledger.rebuild(world.today.year - 1) == 0


@pytest.fixture(autouse=True)
def _fresh_rules():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_an_entry_links_to_the_material_studied(world, secretary, client, make_user):
    rule(True, hours_per_item=1, cap=8)
    (material,) = publish(secretary, world.branch_a, 1)
    studies.confirm(world.member, material)
    materials.withdraw(secretary, material)
    (entry,) = ledger.year_of(world.zhang.pk, world.today.year).entries
    client.force_login(world.member)
    answer = client.get(entry.link)
    assert answer.status_code == 302 and answer.url == f"/learning/materials/{material.pk}/"
    assert client.get(answer.url).status_code == 200  # withdrawn, still readable to who studied it
    client.force_login(make_user("li", person=world.li))
    assert client.get(entry.link).status_code == 404
