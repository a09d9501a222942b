"""Authentication: hashed per-user tokens, the createtoken command, and browser sessions with CSRF."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from dangqun.accounts.models import ApiToken
from dangqun.accounts.services import create_token, hash_token
from dangqun.api.tests.helpers import ApiClient
from dangqun.people.models import Person


def test_token_authenticates_and_is_stored_hashed(world):
    raw = create_token(None, world.owner)
    token = ApiToken.objects.get(user=world.owner)
    assert token.key_hash == hash_token(raw)
    assert raw not in token.key_hash
    response = ApiClient(raw).get(f"/api/people/{world.zhang.pk}/")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-token", "Token ", "Bearer something", "Token a b"],
    ids=["unknown", "empty", "other scheme", "with a space"],
)
def test_bad_authorization_header_is_401(world, header):
    response = Client().get("/api/people/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_revoked_token_is_401(world):
    raw = create_token(None, world.owner)
    client = ApiClient(raw)
    assert client.get("/api/people/").status_code == 200
    ApiToken.objects.filter(user=world.owner).update(revoked_at=timezone.now())
    response = client.get("/api/people/")
    assert response.status_code == 401
    assert response.json()["detail"] == "令牌无效或已撤销"


def test_token_of_deactivated_user_is_401(world):
    raw = create_token(None, world.owner)
    world.owner.is_active = False
    world.owner.save(update_fields=["is_active"])
    assert ApiClient(raw).get("/api/people/").status_code == 401


def test_token_writes_need_no_csrf(world):
    client = ApiClient(create_token(None, world.owner), enforce_csrf_checks=True)
    response = client.patch(f"/api/people/{world.wang.pk}/", {"job_post": "出纳"})
    assert response.status_code == 200
    assert response.json()["job_post"] == "出纳"


def test_session_reads_work_and_writes_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.get("/api/people/").status_code == 200

    url = f"/api/people/{world.wang.pk}/"
    response = client.patch(url, {"job_post": "出纳"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    world.wang.refresh_from_db()
    assert world.wang.job_post == ""

    client.get("/people/")  # a page hands out the CSRF cookie the browser sends back
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        url, {"job_post": "出纳"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 200
    world.wang.refresh_from_db()
    assert world.wang.job_post == "出纳"


def test_createtoken_prints_a_token_that_authenticates(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("createtoken", "owner", "--name", "报表系统", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert len(raw) >= 40 and "\n" not in raw
    assert "只显示这一次" in err.getvalue()
    token = ApiToken.objects.get(user=world.owner)
    assert token.name == "报表系统"
    assert token.key_hash == hash_token(raw)
    response = ApiClient(raw).get("/api/people/")
    assert response.status_code == 200
    assert response.json()["count"] == Person.objects.filter(unit__in=[world.dept_a]).count()


def test_createtoken_makes_a_new_token_each_time(world):
    first, second = io.StringIO(), io.StringIO()
    call_command("createtoken", "reader", stdout=first, stderr=io.StringIO())
    call_command("createtoken", "reader", stdout=second, stderr=io.StringIO())
    assert first.getvalue() != second.getvalue()
    assert ApiToken.objects.filter(user=world.reader).count() == 2


def test_createtoken_for_unknown_or_inactive_user_fails(world):
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        call_command("createtoken", "nobody", stdout=io.StringIO())
    world.reader.is_active = False
    world.reader.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="已停用"):
        call_command("createtoken", "reader", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
