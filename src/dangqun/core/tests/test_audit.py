"""The audit log: append-only rows carrying the actor, the request id and the client address."""

import datetime
import decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from dangqun.core import audit
from dangqun.core.middleware import RequestIdMiddleware
from dangqun.core.models import AuditLog


@pytest.fixture
def row(db):
    return audit.record(None, "test.action", object_type="x", object_repr="对象")


def test_saving_an_existing_row_is_refused(row):
    row.action = "changed"
    with pytest.raises(PermissionError, match="只能追加"):
        row.save()
    assert AuditLog.objects.get(pk=row.pk).action == "test.action"


def test_deleting_a_row_is_refused(row):
    with pytest.raises(PermissionError, match="只能追加"):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(action="x")
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_outside_a_request_no_ip_and_no_request_id(row):
    assert row.ip is None
    assert row.request_id == ""
    assert row.actor is None
    assert row.actor_name == ""


def test_inside_a_request_the_row_carries_actor_request_id_and_ip(make_user):
    user = make_user("clerk")
    written = []

    def view(request):
        written.append(
            audit.record(request.user, "test.in_request", user, before={"a": 1}, after={"a": 2})
        )
        return HttpResponse("ok")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-123", REMOTE_ADDR="10.1.2.3")
    request.user = user
    response = RequestIdMiddleware(view)(request)
    assert response["X-Request-Id"] == "req-123"
    saved = AuditLog.objects.get(pk=written[0].pk)
    assert saved.actor == user
    assert saved.actor_name == "clerk"
    assert saved.request_id == "req-123"
    assert saved.ip == "10.1.2.3"
    assert saved.object_type == "accounts.user"
    assert saved.object_id == str(user.pk)
    assert (saved.before, saved.after) == ({"a": 1}, {"a": 2})
    # after the request, the context is clean again
    assert audit.record(None, "test.after").request_id == ""


def test_a_request_without_an_id_gets_one(make_user):
    ids = []

    def view(request):
        ids.append(audit.record(None, "test.generated").request_id)
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(RequestFactory().get("/"))
    assert len(ids[0]) == 36
    assert response["X-Request-Id"] == ids[0]


def test_anonymous_actor_is_recorded_as_nobody(db):
    saved = audit.record(AnonymousUser(), "test.anon")
    assert saved.actor is None
    assert saved.actor_name == ""


def test_values_are_made_json_ready(make_user):
    user = make_user("u")
    saved = audit.record(
        None,
        "test.json",
        after={"on": datetime.date(2024, 1, 2), "amount": decimal.Decimal("1.50"), "who": user},
    )
    saved.refresh_from_db()
    assert saved.after == {"on": "2024-01-02", "amount": "1.50", "who": user.pk}


def test_diff_keeps_only_changed_keys():
    before, after = audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3})
    assert (before, after) == ({"b": 2}, {"b": 3})
    assert audit.diff({"a": 1}, {"a": 1}) == ({}, {})
