"""The authority to approve new members (发展党员) is given to a 党委 or 党总支 by the organisation
above; the nearest such ancestor of a branch approves its admissions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangqun.orgs import services

pytestmark = pytest.mark.django_db


def test_every_new_party_committee_approves_until_the_level_above_says_otherwise(world, make_user):
    assert world.committee_a.approves_members and not world.branch_a.approves_members
    with pytest.raises(PermissionDenied, match="由上级党组织授予或取消"):
        services.update_org(world.owner, world.committee_a, approves_members=False)
    group_admin = make_user("group_admin", role="party_admin", org=world.committee)
    services.update_org(group_admin, world.committee_a, approves_members=False)
    world.committee_a.refresh_from_db()
    assert world.committee_a.approves_members is False
    with pytest.raises(ValidationError, match="只有党委、党总支"):
        services.update_org(group_admin, world.branch_a, approves_members=True)


def test_the_edit_page_offers_the_authority_only_for_committees(client, world):
    client.force_login(world.owner)
    assert (
        "有审批发展党员的权限" in client.get(f"/orgs/{world.committee_a.pk}/edit/").content.decode()
    )
    assert (
        "有审批发展党员的权限"
        not in client.get(f"/orgs/{world.branch_a.pk}/edit/").content.decode()
    )
