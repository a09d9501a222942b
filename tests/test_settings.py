"""The settings module: everything from the environment, a secret generated on first run."""

import runpy
from pathlib import Path

import dangqun.settings

SETTINGS_FILE = str(Path(dangqun.settings.__file__))
KNOBS = (
    "DANGQUN_SECRET_KEY",
    "DANGQUN_FIELD_KEY",
    "DATABASE_URL",
    "DANGQUN_DEBUG",
    "DANGQUN_FAST_HASHER",
    "DANGQUN_IDLE_TIMEOUT_MINUTES",
    "DANGQUN_LOGIN_FAILURE_LIMIT",
    "REDIS_URL",
)


def load(monkeypatch, data_dir, **env):
    for name in KNOBS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DANGQUN_DATA_DIR", str(data_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE)


def test_secret_keys_are_generated_once_into_the_data_directory(monkeypatch, tmp_path):
    first = load(monkeypatch, tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert len(first["SECRET_KEY"]) > 40
    assert first["FIELD_ENCRYPTION_KEY"] != first["SECRET_KEY"]
    again = load(monkeypatch, tmp_path)
    assert again["SECRET_KEY"] == first["SECRET_KEY"]
    assert again["FIELD_ENCRYPTION_KEY"] == first["FIELD_ENCRYPTION_KEY"]
    other = load(monkeypatch, tmp_path / "other")
    assert other["SECRET_KEY"] != first["SECRET_KEY"]


def test_a_key_from_the_environment_wins(monkeypatch, tmp_path):
    values = load(monkeypatch, tmp_path, DANGQUN_SECRET_KEY="from-env")
    assert values["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_embedded_default_is_sqlite_in_wal_mode(monkeypatch, tmp_path):
    values = load(monkeypatch, tmp_path)
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]).parent == tmp_path.resolve()
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert values["DEBUG"] is False
    assert values["HUEY"]["huey_class"] == "huey.SqliteHuey"


def test_database_url_selects_postgresql(monkeypatch, tmp_path):
    values = load(monkeypatch, tmp_path, DATABASE_URL="postgres://u:p@db.example:5433/dangqun")
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example", 5433, "dangqun")


def test_security_knobs_come_from_the_environment(monkeypatch, tmp_path):
    values = load(
        monkeypatch,
        tmp_path,
        DANGQUN_IDLE_TIMEOUT_MINUTES="10",
        DANGQUN_LOGIN_FAILURE_LIMIT="3",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert values["SESSION_IDLE_TIMEOUT_MINUTES"] == 10
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["HUEY"]["huey_class"] == "huey.RedisHuey"
    assert values["LANGUAGE_CODE"] == "zh-hans" and values["TIME_ZONE"] == "Asia/Shanghai"
