"""Head counts (the 工作台's 人员 card and ``GET /api/people/head-counts/``): a scope over the whole
enterprise counts people and profiles without a join; a narrower one in one aggregate. Both must
give what counting the people one by one gives."""

import datetime

from dangqun.people import services
from dangqun.people.models import PartyProfile, Person


def _by_hand(people) -> dict[str, int]:
    today = datetime.date.today()
    members = [p for p in people if p.is_current_member]
    profiles = {pp.person_id: pp for pp in PartyProfile.objects.all()}
    probationary = [
        p
        for p in members
        if profiles[p.pk].full_member_on is None or profiles[p.pk].full_member_on > today
    ]
    lost = [p for p in members if profiles[p.pk].lost_contact_on is not None]
    return {
        "people_count": len(people),
        "member_count": len(members),
        "probationary_count": len(probationary),
        "lost_count": len(lost),
    }


def _vary(world) -> None:
    """A member who left, one who lost contact and one whose 转正 is dated in the future."""
    services.record_member_event(None, world.zhao, "lost_contact", on=datetime.date(2024, 1, 1))
    profile = world.zhang.party_profile
    profile.full_member_on = datetime.date.today() + datetime.timedelta(days=30)
    profile.save(update_fields=["full_member_on"])
    services.record_member_event(None, world.li, "deceased", on=datetime.date(2024, 2, 1))


def test_the_whole_enterprise_counts_everyone_without_a_join(world, make_user):
    _vary(world)
    leader = make_user("group_leader", role="leader", org=world.group)

    counts = services.head_counts(leader)

    assert counts == _by_hand(list(Person.objects.all()))
    assert counts == {
        "people_count": 4,
        "member_count": 2,
        "probationary_count": 1,
        "lost_count": 1,
    }


def test_a_narrower_scope_counts_its_own_people(world):
    _vary(world)

    counts = services.head_counts(world.owner)

    assert counts == _by_hand(list(services.visible_to(world.owner)))
    assert counts["people_count"] == 3
