"""The one 学时 ledger: 党课 and 主题党日 from 组织生活 land once when the record is finalised, the
nightly check puts back what drifted (a rule changed, an entry lost), and a member's year shows
done, required and where each hour came from."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from dangqun.learning import ledger
from dangqun.learning.models import LedgerEntry, Source, Standing


def test_meetings_land_in_the_ledger_once_when_finalised(world, held):
    year, meetings = held
    zhang = ledger.year_of(world.zhang.pk, year)
    assert zhang.done == 2 + 4 + 4
    assert [(e.source, e.hours) for e in zhang.entries] == [
        (Source.THEME_DAY, 4),
        (Source.THEME_DAY, 4),
        (Source.PARTY_LECTURE, 2),
    ]
    assert zhang.entries[-1].title == "党课：学习党章" and zhang.entries[-1].org == world.branch_a
    assert zhang.by_source == [("党课", 2), ("主题党日", 8)]
    assert ledger.year_of(world.li.pk, year).done == 6
    assert ledger.year_of(world.zhang.pk, year + 1).done == 0
    # syncing again changes nothing: one entry per person and meeting
    assert ledger.sync(Source.THEME_DAY, [m.pk for m in meetings]) == 0
    assert LedgerEntry.objects.count() == 5


def test_a_rule_change_or_a_lost_entry_is_put_right_by_the_nightly_check(world, held):
    from dangqun.core.models import RuleOverride

    year, _ = held
    RuleOverride.objects.create(rule_id="life.study_hours", params={"theme_day": 3})
    LedgerEntry.objects.filter(person=world.li, source=Source.PARTY_LECTURE).delete()
    LedgerEntry.objects.create(  # an entry no source backs
        person=world.wang,
        source=Source.THEME_DAY,
        source_id=999,
        year=year,
        on=dt.date(year, 6, 1),
        hours=4,
        title="无来源",
    )
    assert ledger.rebuild(year) == 2 + 1 + 1 + 1  # 张三's two, 李四's one, the lost, the stray
    assert ledger.year_of(world.zhang.pk, year).done == 2 + 3 + 3
    assert ledger.year_of(world.li.pk, year).done == 2 + 3
    assert not LedgerEntry.objects.filter(person=world.wang).exists()
    assert ledger.rebuild(year) == 0


def test_standings_hold_done_and_required_per_member(world, held):
    from dangqun.orgs.models import Post, PostTitle

    year, _ = held
    ledger.refresh(year)
    rows = {s.person_id: s for s in Standing.objects.filter(year=year)}
    assert set(rows) == {world.zhang.pk, world.li.pk, world.zhao.pk}  # members only
    assert rows[world.zhang.pk].done == 10 and rows[world.zhang.pk].required == 32
    assert rows[world.zhao.pk].done == 0 and rows[world.zhao.pk].branch == world.branch_b
    # 张三 was made 支部书记 on 1 July: 32 + 24 × 184/365
    Post.objects.create(
        org=world.branch_a,
        person=world.zhang,
        title=PostTitle.SECRETARY,
        started_on=dt.date(year, 7, 1),
    )
    ledger.refresh(year, [world.zhang.pk])
    standing = Standing.objects.get(person=world.zhang, year=year)
    days = (dt.date(year, 12, 31) - dt.date(year, 7, 1)).days + 1
    expected = Decimal(32) + Decimal(24) * days / (
        (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    )
    assert standing.required == expected.quantize(Decimal("0.1")) and standing.leader


def test_the_member_sees_their_year_on_a_phone_page(world, held, login):
    year, _ = held
    client = login(world.member)
    page = client.get(reverse("learning:ledger") + f"?year={year}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "10 学时" in html and "应完成 32 学时" in html and "还差" in html
    assert "主题党日：学习党章" in html and "依据" in html
    assert f'href="/life/{held[1][0].pk}/"' in html  # each entry links to its source
    # a year out of range or not a number falls back to this year, never an error
    assert client.get(reverse("learning:ledger") + "?year=abc").status_code == 200
    assert client.get(reverse("learning:ledger") + "?year=1900").status_code == 200
    login(world.owner)  # no person: told so
    assert "未关联人员档案" in client.get(reverse("learning:ledger")).content.decode()


def test_the_ledger_page_reads_a_fixed_number_of_queries(
    world, held, login, django_assert_max_num_queries
):
    year, _ = held
    client = login(world.member)
    url = reverse("learning:ledger") + f"?year={year}"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    LedgerEntry.objects.filter(person=world.zhang).update(hours=1)
    for n in range(20):
        LedgerEntry.objects.create(
            person=world.zhang,
            source=Source.EXAM,
            source_id=100 + n,
            year=year,
            on=dt.date(year, 8, 1),
            hours=1,
            title=f"考试 {n}",
            org=world.branch_a,
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(first)


def test_the_card_on_the_workbench(world, held):
    from dangqun.core import cards

    today = dt.date(held[0], 12, 1)
    ledger.refresh(held[0])
    (shown,) = [c for c in cards.for_user(world.member, today) if c.key == "learning.mine"]
    assert [n.value for n in shown.numbers] == ["10", "32"]
    assert "还差 22 学时" in shown.next_step


def test_the_requirement_follows_posts_and_membership_at_once(world):
    from django.utils import timezone

    from dangqun.orgs import services as org_services
    from dangqun.orgs.models import PostTitle
    from dangqun.people import membership
    from dangqun.people.models import MemberEvent

    year = timezone.localdate().year
    ledger.refresh(year)
    assert Standing.objects.get(person=world.zhang, year=year).required == 32
    post = org_services.appoint(
        world.owner, world.branch_a, world.zhang, PostTitle.SECRETARY,
        started_on=dt.date(year, 1, 1),
    )  # fmt: skip
    standing = Standing.objects.get(person=world.zhang, year=year)
    assert standing.required == 56 and standing.leader
    org_services.end_post(world.owner, post, ended_on=dt.date(year, 1, 1))  # never held
    assert Standing.objects.get(person=world.zhang, year=year).required == 32
    membership.record_member_event(
        world.outsider, world.zhao, MemberEvent.Type.TRANSFER_OUT, on=dt.date(year, 1, 1),
        counterpart="外单位党委",
    )  # fmt: skip
    assert not Standing.objects.filter(person=world.zhao, year=year).exists()  # left on day one
