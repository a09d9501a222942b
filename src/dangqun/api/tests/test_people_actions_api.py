"""A person's page actions over the API that no other endpoint reaches (membership events,
``POST /api/people/{id}/{step}/``): the permission matrix, and events recorded through the same
table as the page (changed, audited, refused with the Chinese reason, not found outside scope)."""

import datetime as dt

import pytest

from dangqun.core.models import AuditLog
from dangqun.people.models import MemberEvent, PartyProfile

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "outsider", "reader", "owner"]
LOST = {"type": "lost_contact", "on": "2024-01-01"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("member", 403), ("outsider", 404), ("reader", 403), ("owner", 200)],
)
def test_permission_matrix(world, api, role, expected):
    user = None if role == "anonymous" else getattr(world, role)
    audit_before = AuditLog.objects.count()

    response = api(user).post(f"/api/people/{world.zhang.pk}/member_event/", LOST)

    assert response.status_code == expected, response.content.decode()
    if expected >= 400:  # refused: nothing recorded, the caller's token the only audit row
        assert not MemberEvent.objects.filter(type="lost_contact").exists()
        assert AuditLog.objects.count() == audit_before + (user is not None)
    if expected in (403, 404):
        assert response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_an_unknown_step_is_not_found(world, api, role):
    user = None if role == "anonymous" else getattr(world, role)
    assert api(user).post(f"/api/people/{world.zhang.pk}/merge/", {}).status_code == 404


def test_an_event_changes_the_profile_and_writes_its_audit_row(world, api):
    response = api(world.owner).post(f"/api/people/{world.zhang.pk}/member_event/", LOST)
    assert response.status_code == 200, response.content
    assert response.json()["id"] == world.zhang.pk
    profile = PartyProfile.objects.get(person=world.zhang)
    assert profile.lost_contact_on == dt.date(2024, 1, 1)
    row = AuditLog.objects.get(action="member.lost_contact")
    assert row.actor == world.owner and row.object_id == str(world.zhang.pk)


def test_a_refusal_is_a_400_with_the_chinese_reason(world, api):
    client = api(world.owner)
    url = f"/api/people/{world.zhang.pk}/member_event/"
    response = client.post(url, {"type": "contact_restored", "on": "2024-01-01"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["该党员未登记为失联"]}
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = client.post(url, {"type": "lost_contact", "on": future})
    assert response.json() == {"on": ["日期不能晚于今天"]}
    response = client.post(url, {"type": "lost_contact"})
    assert response.status_code == 400 and "on" in response.json()
    response = client.post(f"/api/people/{world.wang.pk}/member_event/", LOST)
    assert response.json() == {"non_field_errors": ["该人员没有党员信息"]}
    assert not MemberEvent.objects.filter(type="lost_contact").exists()


def test_outside_the_scope_is_not_found(world, api):
    response = api(world.owner).post(f"/api/people/{world.zhao.pk}/member_event/", LOST)
    assert response.status_code == 404
    assert response.json()["detail"]
