"""Login: argon2 by default, lockout after repeated failures (django-axes), idle session timeout."""

import runpy
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import get_hashers

import dangqun.settings

PASSWORD = "pass-1234-word"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def load_settings(monkeypatch, tmp_path, **env):
    """Evaluate settings.py afresh under the given environment."""
    for name in ("DANGQUN_FAST_HASHER", "DANGQUN_AXES_ENABLED", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DANGQUN_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(dangqun.settings.__file__)))


def test_argon2_is_the_default_hasher(monkeypatch, tmp_path):
    values = load_settings(monkeypatch, tmp_path)
    assert values["PASSWORD_HASHERS"][0] == ARGON2
    assert not any("MD5" in h for h in values["PASSWORD_HASHERS"])
    assert values["AXES_ENABLED"] is True
    assert values["AXES_FAILURE_LIMIT"] == 5


def test_the_fast_test_hasher_only_comes_first_when_asked_for(monkeypatch, tmp_path):
    values = load_settings(monkeypatch, tmp_path, DANGQUN_FAST_HASHER="1")
    assert values["PASSWORD_HASHERS"][0].endswith("MD5PasswordHasher")
    assert values["PASSWORD_HASHERS"][1] == ARGON2  # production hashes still verify


def test_passwords_are_stored_with_argon2(settings, make_user):
    settings.PASSWORD_HASHERS = [ARGON2, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    get_hashers.cache_clear()
    try:
        user = make_user("argon")
        assert user.password.startswith("argon2$")
        assert user.check_password(PASSWORD)
    finally:
        get_hashers.cache_clear()


def test_login_and_logout(client, world):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_gives_a_chinese_error(client, world):
    response = client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.fixture
def axes_on(settings):
    from axes.handlers.proxy import AxesProxyHandler

    settings.AXES_ENABLED = True
    AxesProxyHandler.implementation = None  # built again from the settings in force
    yield
    AxesProxyHandler.implementation = None


def test_lockout_after_five_failures(client, world, axes_on):
    from axes.models import AccessAttempt

    for attempt in range(4):
        response = client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
        assert response.status_code == 200, attempt
        assert "用户名或密码不正确" in response.content.decode()
    client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
    assert AccessAttempt.objects.get(username="owner").failures_since_start == 5
    # now even the right password is refused, with the lockout page
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert client.get("/").status_code == 302  # not logged in


def test_failures_below_the_limit_do_not_lock(client, world, axes_on):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_lockout_of_one_account_does_not_lock_another(client, world, axes_on):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 302


def _age_session(client, seconds):
    session = client.session
    session["last_seen"] = int(time.time()) - seconds
    session.save()


def test_idle_session_is_logged_out(client, world, settings):
    client.force_login(world.owner)
    assert client.get("/").status_code == 200
    _age_session(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5)
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # the session is gone, not just this request


def test_an_active_session_stays(client, world, settings):
    client.force_login(world.owner)
    client.get("/")
    _age_session(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 60)
    assert client.get("/").status_code == 200
    # the request refreshed last_seen: the session lives on
    assert time.time() - client.session["last_seen"] < 5
    assert client.get("/").status_code == 200


def test_the_timeout_follows_the_setting(client, world, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 1
    client.force_login(world.owner)
    client.get("/")
    _age_session(client, 65)
    assert client.get("/").status_code == 302


def test_the_user_is_told_the_session_ended_for_inactivity(client, world, settings):
    client.force_login(world.owner)
    client.get("/")
    _age_session(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5)
    response = client.get("/", follow=True)
    assert "长时间未操作" in response.content.decode()


def test_an_htmx_request_after_the_timeout_loads_the_login_page(client, world, settings):
    client.force_login(world.owner)
    client.get("/")
    _age_session(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5)
    response = client.get(f"/orgs/{world.committee_a.pk}/children/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"
