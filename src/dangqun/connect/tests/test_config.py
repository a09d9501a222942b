"""Configuration from the environment: each channel is on only when its ids and secret are given."""

import runpy
from pathlib import Path

import dangqun.settings
from dangqun.connect import config


def load_settings(monkeypatch, tmp_path, **env):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DANGQUN_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(dangqun.settings.__file__)))


def test_the_environment_turns_the_channels_on(monkeypatch, tmp_path, settings):
    values = load_settings(
        monkeypatch,
        tmp_path,
        DANGQUN_WECOM_CORP_ID="ww1",
        DANGQUN_WECOM_AGENT_ID="1000002",
        DANGQUN_WECOM_SECRET="s1",
        DANGQUN_DINGTALK_APP_KEY="dk",
        DANGQUN_DINGTALK_APP_SECRET="ds",
        DANGQUN_OIDC_ISSUER="https://id.example.cn",
        DANGQUN_OIDC_CLIENT_ID="dq",
        DANGQUN_OIDC_CLIENT_SECRET="os",
        DANGQUN_BASE_URL="https://dq.example.cn",
    )
    for name in ("DANGQUN_WECOM", "DANGQUN_DINGTALK", "DANGQUN_OIDC", "DANGQUN_BASE_URL"):
        setattr(settings, name, values[name])
    assert values["DANGQUN_WECOM"]["api_base"] == "https://qyapi.weixin.qq.com"
    assert values["DANGQUN_DINGTALK"]["oapi_base"] == "https://oapi.dingtalk.com"
    assert config.sign_in_providers() == ["wecom", "dingtalk", "oidc"]
    # 钉钉 without an agent id signs in but cannot send 工作通知
    assert config.message_providers() == ["wecom"]
    settings.DANGQUN_BASE_URL = ""
    assert config.message_providers() == []  # cards need absolute links


def test_a_channel_missing_its_secret_stays_off(monkeypatch, tmp_path, settings):
    values = load_settings(
        monkeypatch, tmp_path, DANGQUN_WECOM_CORP_ID="ww1", DANGQUN_WECOM_AGENT_ID="1"
    )
    settings.DANGQUN_WECOM = values["DANGQUN_WECOM"]
    assert config.wecom() is None and "wecom" not in config.sign_in_providers()
