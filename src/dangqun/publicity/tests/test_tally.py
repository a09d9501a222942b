"""Reach tallies (decision 0039): kept by reading as it happens, recounted by ``tally.rebuild``,
always read within the same scope as the live count — which stays the reference here: after
random opens, confirms and quiz answers the tallies equal the live count without a recount, and
after people move (unit, branch, leaving, joining) they do once recounted."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dangqun.accounts.models import User
from dangqun.orgs import services as org_services
from dangqun.people.models import Person, PoliticalStatus
from dangqun.publicity import items, reach, reading, tally
from dangqun.publicity.models import Item, ReachTally
from dangqun.publicity.tests.conftest import QUESTIONS


def _answers(item, right=True):
    return {
        str(q.pk): [str(q.answer[0] if right else 1 - q.answer[0])] for q in item.questions.all()
    }


def _fresh(user):
    """The user as a new request loads them (their person placed where they are now)."""
    return User.objects.select_related("person").get(pk=user.pk)


def _rows(item) -> dict:
    """The item's tally rows as ``tally.live`` counts them: per placement, every counter."""
    return {
        (r.unit_id, r.party_branch_id, r.union_org_id, r.league_org_id): {
            f: getattr(r, f) for f in tally.FLAGS
        }
        for r in ReachTally.objects.filter(item=item)
    }


def _flags(item) -> dict[str, int]:
    rows = ReachTally.objects.filter(item=item).aggregate(**tally.sums())
    return {flag: rows[flag] for flag in tally.FLAGS}


def test_reading_adds_once(world, make_user, quiz_item):
    li = make_user("li", person=world.li)
    assert _flags(quiz_item) == dict(delivered=2, opened=0, confirmed=0, answered=0, passed=0)
    reading.open_item(world.member, quiz_item)
    reading.open_item(world.member, quiz_item)  # a second open adds nothing
    reading.answer(world.member, quiz_item, _answers(quiz_item, right=False))
    reading.answer(world.member, quiz_item, _answers(quiz_item))  # first pass
    reading.answer(world.member, quiz_item, _answers(quiz_item))  # passed already
    reading.confirm(world.member, quiz_item)
    reading.confirm(world.member, quiz_item)
    reading.answer(li, quiz_item, _answers(quiz_item))  # opens, answers and passes at once
    assert _flags(quiz_item) == dict(delivered=2, opened=2, confirmed=1, answered=2, passed=2)
    assert tally.rebuild(Item.objects.filter(pk=quiz_item.pk)) == []  # nothing had drifted


def test_publishing_counts_the_audience_after_commit(world, make_item):
    draft = make_item(publish=False)
    assert not ReachTally.objects.filter(item=draft).exists()
    assert reach.total(world.owner, draft).delivered == 0
    item = make_item()  # runs the on-commit task
    item.refresh_from_db()
    assert item.reach_counted_at is not None
    row = ReachTally.objects.get(item=item, unit=world.dept_a)
    assert (row.party_branch, row.delivered) == (world.branch_a, 2)


def test_until_counted_reach_is_counted_live(world, make_item, django_capture_on_commit_callbacks):
    item = make_item()
    reading.open_item(world.member, item)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = items.update(world.owner, item, {"title": "新标题", "audience_orgs": []})
    assert item.reach_counted_at is not None and callbacks == []  # the audience is the same
    data = {"audience_who": "everyone", "audience_orgs": []}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = items.update(world.owner, item, data)
    assert item.reach_counted_at is None
    assert reach.total(world.owner, item).delivered == 3  # live: 王五 is an employee too
    for callback in callbacks:
        callback()
    item.refresh_from_db()
    assert item.reach_counted_at is not None
    assert _flags(item)["delivered"] == 3 and _flags(item)["opened"] == 1


@pytest.fixture
def town(world, make_user):
    """The world with a union, more people in every kind of placement, and readers for each."""
    union = org_services.create_org(None, parent=None, name="集团工会", kind="union_committee")
    union_a = org_services.create_org(
        None, parent=union, name="甲公司分工会", kind="union_branch", unit=world.company_a
    )
    union_b = org_services.create_org(
        None, parent=union, name="乙公司分工会", kind="union_branch", unit=world.company_b
    )
    rng = random.Random(7)
    places = [
        (world.dept_a, world.branch_a, union_a),
        (world.dept_b, world.branch_b, union_b),
        (world.company_a, None, union_a),
        (world.company_b, None, None),
        (world.dept_a, None, None),
    ]
    statuses = [PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY]
    for n in range(24):
        unit, branch, union_org = rng.choice(places)
        Person.objects.create(
            employee_no=f"T{n:04d}",
            name=f"职工{n}",
            gender="M",
            unit=unit,
            party_branch=branch,
            is_current_member=branch is not None,
            political_status=rng.choice(statuses) if branch else PoliticalStatus.MASSES,
            union_org=union_org,
        )
    Person.objects.filter(pk=world.zhao.pk).update(union_org=union_b)
    people = list(Person.objects.order_by("pk"))
    readers = [make_user(f"p{p.pk}", person=p) for p in people if p.pk != world.zhang.pk]
    readers.append(world.member)
    viewers = [
        world.owner,
        world.reader,
        world.outsider,
        make_user("group", role="party_admin", org=world.committee),
        make_user("unionist", role="union_admin", org=union_a),
        make_user("unitlead", role="leader", org=world.dept_b),
        make_user("secretary", role="branch_secretary", org=world.branch_b),
    ]
    return SimpleNamespace(world=world, readers=readers, viewers=viewers, places=places)


@pytest.fixture
def town_items(town, make_item):
    world, group = town.world, town.viewers[3]
    return [
        make_item(user=group, org=world.committee, questions=QUESTIONS, title="全体党员"),
        make_item(org=world.committee_a, audience_who="everyone", required=False),
        make_item(
            user=group,
            org=world.committee,
            audience_who="everyone",
            audience_orgs=[world.branch_b, world.dept_a],
        ),
        make_item(user=group, org=world.committee, audience_who="full"),
    ]


def _same_as_live(town, shown: list[Item]) -> None:
    world = town.world
    roots = [world.group, world.company_a, world.committee, world.committee_a, world.dept_a]
    for viewer in town.viewers:
        for item in shown:
            user = _fresh(viewer)
            item = Item.objects.get(pk=item.pk)
            assert reach.total(user, item) == reach.live_total(user, item), (viewer, item)
            assert reach.totals(user, [item])[item.pk] == reach.live_total(user, item)
            for root in roots:
                got = reach.per_unit(user, item, root)
                assert got == reach.live_per_unit(user, item, root), (viewer, item, root)


def _read_randomly(rng, readers, shown, steps):
    for _ in range(steps):
        user, item = _fresh(rng.choice(readers)), rng.choice(shown)
        step = rng.choice(["open", "confirm", "right", "wrong"])
        try:
            if step == "open":
                reading.open_item(user, item)
            elif step == "confirm":
                reading.confirm(user, item)
            elif item.questions.exists():
                reading.answer(user, item, _answers(item, right=step == "right"))
        except ValidationError:  # not for them, not required, quiz first
            pass


@pytest.mark.parametrize("seed", [1, 2])
def test_tallies_kept_by_reading_equal_the_live_count(town, town_items, seed):
    _read_randomly(random.Random(seed), town.readers, town_items, 80)
    assert sum(_flags(i)["opened"] for i in town_items) > 10  # the walk did read
    assert all(_rows(i) == tally.live(i) for i in town_items)
    _same_as_live(town, town_items)


@pytest.mark.parametrize("seed", [3, 4])
def test_after_people_move_the_recount_equals_the_live_count(town, town_items, seed):
    rng = random.Random(seed)
    for _ in range(4):
        _read_randomly(rng, town.readers, town_items, 20)
        for person in rng.sample([r.person for r in town.readers], 5):
            unit, branch, union_org = rng.choice(town.places)
            Person.objects.filter(pk=person.pk).update(
                unit=unit,
                party_branch=branch,
                is_current_member=branch is not None,
                political_status=PoliticalStatus.PARTY_MEMBER if branch else PoliticalStatus.MASSES,
                union_org=union_org,
                employment_status=rng.choice(["active", "active", "retired"]),
            )
    assert any(_rows(i) != tally.live(i) for i in town_items)  # the moves showed
    tally.rebuild(Item.objects.filter(pk__in=[i.pk for i in town_items]))
    assert all(_rows(i) == tally.live(i) for i in town_items)
    _same_as_live(town, town_items)


def test_someone_moving_between_publish_and_read(world, make_user, make_item):
    """李四 moves from 综合部 (company A) to 乙公司生产部 after the item is out and opens it
    there: until the nightly recount the figures keep 李四 delivered at 综合部 and count the
    opening at 生产部 (a rate is never shown above 100%); the recount places them at 生产部."""
    group = make_user("group", role="party_admin", org=world.committee)
    item = make_item(user=group, org=world.committee, audience_who="everyone", required=False)
    Person.objects.filter(pk=world.li.pk).update(unit=world.dept_b, party_branch=world.branch_b)
    reading.open_item(_fresh(make_user("li", person=world.li)), item)
    reading.open_item(_fresh(make_user("zhao", person=world.zhao)), item)
    before = {r.org: (r.delivered, r.opened) for r in reach.per_unit(group, item, world.group)}
    assert before == {world.company_a: (3, 0), world.company_b: (1, 2)}
    assert reach.per_unit(group, item, world.group)[1].opened_rate == 100  # not 200
    assert tally.nightly_check() == []  # totals unchanged: only the placement moved
    after = {r.org: (r.delivered, r.opened) for r in reach.per_unit(group, item, world.group)}
    assert after == {world.company_a: (2, 0), world.company_b: (2, 2)}
    assert reach.per_unit(group, item, world.group) == reach.live_per_unit(group, item, world.group)


def test_rebuild_command(world, make_item, capsys):
    item = make_item()
    ReachTally.objects.filter(item=item).update(delivered=99)
    call_command("rebuild_reach_tallies")
    assert "1 条" in capsys.readouterr().out
    assert _flags(item)["delivered"] == 2
    call_command("rebuild_reach_tallies", "--item", str(item.pk))
    assert "一致" in capsys.readouterr().out


def test_a_recount_counts_the_audience_as_it_is_when_locked(world, make_item):
    """The security review's race: a recount that read the items before an audience edit
    committed must not write the old audience's counts (it reads them again under the lock)."""
    item = make_item(audience_who="members")
    members = _flags(item)["delivered"]
    stale = Item.objects.prefetch_related("audience_orgs").select_related("org").get(pk=item.pk)
    Item.objects.filter(pk=item.pk).update(audience_who="everyone")  # an edit commits meanwhile
    tally.rebuild([stale])
    fresh = Item.objects.get(pk=item.pk)
    assert _rows(fresh) == tally.live(fresh)
    assert _flags(fresh)["delivered"] > members


def test_bad_ids_on_reach_and_remind_are_refused_not_500(world, make_item, login):
    item = make_item()
    client = login(world.owner)
    assert client.get(f"/publicity/manage/{item.pk}/?org=²").status_code == 200
    assert client.get(f"/api/publicity/items/{item.pk}/reach/?org=²").status_code == 200
    assert client.get("/publicity/manage/?theme=²").status_code == 200
    huge = client.post(f"/publicity/{item.pk}/do/remind/", {"person": "9" * 20})
    assert huge.status_code in (200, 302, 400, 422)
    api = client.post(f"/api/publicity/items/{item.pk}/remind/", {"person": "9" * 20})
    assert api.status_code == 400
