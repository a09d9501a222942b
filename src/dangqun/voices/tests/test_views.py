"""Voices over HTTP: who may open and do what, the QR page and the query code, and what an
anonymous voice leaves behind (nothing that identifies its author)."""

import logging
import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from dangqun.voices import handling, intake
from dangqun.voices.models import Channel, Identity, Status, Voice
from dangqun.voices.posters import qr_token

ANON = "anonymous"


@pytest.fixture
def users(world, mass, handler, make_user):
    return {
        "outsider": make_user("mass_b", role="mass_admin", org=world.company_b),
        "reader": world.reader,  # leader over company A's 党委 (and the unit it serves)
        "owner": mass,
        "handler": handler,
        "member": world.member,  # 张三, who raised the voice
    }


@pytest.fixture
def voice(world, raise_voice):
    voice, _ = raise_voice(actor=world.member, identity=Identity.NAMED, channel=Channel.WEB)
    return voice


def _client(client, users, who):
    if who != ANON:
        client.force_login(users[who])
    return client


PAGES = [
    # (name, url, {who: status}); anonymous is sent to log in (302)
    (
        "inbox",
        "/voices/",
        {"outsider": 200, "reader": 200, "owner": 200, "handler": 200, "member": 403},
    ),
    (
        "voice page",
        "/voices/{voice}/",
        {"outsider": 404, "reader": 200, "owner": 200, "handler": 404, "member": 200},
    ),
    ("my voices", "/voices/mine/", dict.fromkeys(["outsider", "reader", "owner", "member"], 200)),
    ("new voice", "/voices/new/", {"member": 200, "owner": 200}),
    (
        "QR poster",
        "/voices/qr/{unit}/",
        {"outsider": 403, "reader": 403, "owner": 200, "handler": 403, "member": 403},
    ),
]


@pytest.mark.parametrize("who", [ANON, "outsider", "reader", "owner", "handler", "member"])
@pytest.mark.parametrize("name, url, expected", PAGES, ids=[p[0] for p in PAGES])
def test_page_permissions(client, world, users, voice, who, name, url, expected):
    url = url.format(voice=voice.pk, unit=world.dept_a.pk)
    response = _client(client, users, who).get(url)
    status = 302 if who == ANON else expected.get(who, 200)
    assert response.status_code == status, (name, who, response.status_code)


ACTS = [
    # (action, data, {who: status}) on a 待受理 voice: only its managers act, the leader reads
    ("assign", {"urgency": "normal"}, {"outsider": 404, "reader": 403, "owner": 302}),
    ("refuse", {"note": "不属于受理范围"}, {"outsider": 404, "reader": 403, "owner": 302}),
    ("respond", {}, {"outsider": 404, "reader": 403, "handler": 404, "owner": 403}),
    ("rate", {"rating": "satisfied"}, {"reader": 403, "owner": 403, "member": 422}),
]


@pytest.mark.parametrize("who", [ANON, "outsider", "reader", "owner", "handler", "member"])
@pytest.mark.parametrize("action, data, expected", ACTS, ids=[a[0] for a in ACTS])
def test_action_permissions(client, world, users, voice, who, action, data, expected):
    if action == "assign":
        data = {**data, "handling_org": world.dept_a.pk}
    response = _client(client, users, who).post(f"/voices/{voice.pk}/{action}/", data)
    default = 404 if who in ("outsider", "handler") else 403
    status = 302 if who == ANON else expected.get(who, default)
    assert response.status_code == status, (action, who, response.status_code)
    voice.refresh_from_db()
    if status != 302 or who == ANON:
        assert voice.status == Status.SUBMITTED  # a refusal changes nothing


def test_actions_refuse_get(client, users, voice):
    client.force_login(users["owner"])
    assert client.get(f"/voices/{voice.pk}/assign/").status_code == 405
    assert client.post(f"/voices/{voice.pk}/delete/").status_code == 404


def test_the_loop_over_http_from_the_qr_page(client, world, users):
    unit_page = f"/v/{qr_token(world.dept_a)}/"
    page = client.get(unit_page)
    assert page.status_code == 200 and "甲公司综合部" in page.content.decode()
    sent = client.post(
        unit_page,
        {"kind": "request", "title": "班车", "content": "早班车太挤", "identity": "anonymous"},
    )
    code = re.search(r'id="query-code">([A-Z0-9-]+)<', sent.content.decode()).group(1)
    voice = Voice.objects.get()
    assert (voice.channel, voice.identity, voice.user) == (Channel.QR, Identity.ANONYMOUS, None)

    staff = client
    staff.force_login(users["owner"])
    response = staff.post(
        f"/voices/{voice.pk}/assign/", {"handling_org": world.dept_a.pk, "urgency": "normal"}
    )
    assert response.status_code == 302
    staff.force_login(users["handler"])
    assert staff.post(f"/voices/{voice.pk}/respond/").status_code == 302
    response = staff.post(f"/voices/{voice.pk}/answer/", {"text": "已加开一班", "solved": "1"})
    assert response.status_code == 302
    staff.logout()

    followed = client.post("/v/q/", {"code": code, "action": "view"}).content.decode()
    assert "已加开一班" in followed and 'id="rate-form"' in followed
    rated = client.post("/v/q/", {"code": code, "action": "rate", "rating": "satisfied"})
    assert "感谢您的评价" in rated.content.decode()
    voice.refresh_from_db()
    assert (voice.status, voice.rating) == (Status.CLOSED, "satisfied")
    again = client.post("/v/q/", {"code": code, "action": "rate", "rating": "unsatisfied"})
    assert 'id="rate-form"' not in again.content.decode()  # no second rating offered
    voice.refresh_from_db()
    assert voice.rating == "satisfied"


def test_a_forged_code_or_token_is_told_plainly(client, world):
    response = client.post("/v/q/", {"code": "ABCD-EFGH-JKLM", "action": "view"})
    assert "查询码不正确" in response.content.decode()
    assert client.get("/v/forged-token/").status_code == 404
    assert client.get(f"/v/{qr_token(world.committee_a)}/").status_code == 404  # not a unit


def test_bad_input_on_the_qr_page_keeps_what_was_typed(client, world):
    response = client.post(
        f"/v/{qr_token(world.dept_a)}/",
        {
            "kind": "suggestion",
            "title": "<script>alert(1)</script>",
            "content": "字" * 50_001,
            "identity": "anonymous",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "内容不能超过 50000 个字" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert Voice.objects.count() == 0


def test_an_anonymous_voice_leaves_no_identifying_trace(client, world, caplog):
    """Every text column of every table, and every log record, is searched for the sender's
    address, browser, session, account and name."""
    caplog.set_level(logging.DEBUG)
    address, browser = "203.0.113.77", "IdentifyingBrowser/9.9"
    client.force_login(world.member)  # even a logged-in employee who chooses 匿名
    headers = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": browser}
    sent = client.post(
        "/voices/new/",
        {"kind": "complaint", "title": "加班", "content": "车间长期加班", "identity": "anonymous"},
        **headers,
    )
    code = re.search(r'id="query-code">([A-Z0-9-]+)<', sent.content.decode()).group(1)
    client.post("/v/q/", {"code": code, "action": "info", "text": "补充：周末也加班"}, **headers)
    voice = Voice.objects.get()
    assert (voice.user, voice.person, voice.contact_name, voice.contact_phone) == (
        None,
        None,
        "",
        "",
    )
    # Nowhere in the database: the address, the browser, the query code.
    for model in apps.get_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(
                f,
                (
                    models.CharField,
                    models.TextField,
                    models.JSONField,
                    models.GenericIPAddressField,
                ),
            )
        ]
        for row in model.objects.values_list(*columns) if columns else []:
            text = str(row)
            for needle in (address, browser, code, code.replace("-", "")):
                assert needle not in text, (model, needle)
    # Nothing about the voice names the employee, their account or their session.
    session = client.session.session_key
    rows = [
        *Voice.objects.filter(pk=voice.pk).values(),
        *voice.events.values(),
        *apps.get_model("core", "AuditLog").objects.filter(object_type="voices.voice").values(),
    ]
    for row in rows:
        for key in ("user_id", "person_id", "actor_id", "handler_id"):
            assert row.get(key) is None, (row, key)
        text = str(row)
        for needle in (session, world.member.username, "张三"):
            assert needle not in text, (row, needle)
    audit = apps.get_model("core", "AuditLog").objects.filter(object_type="voices.voice")
    assert audit.count() == 2
    assert set(audit.values_list("actor", "ip", "request_id")) == {(None, None, "")}
    for record in caplog.records:
        for needle in (address, browser, code):
            assert needle not in record.getMessage()


def test_confidential_name_is_hidden_from_the_handler_page(client, world, users, raise_voice):
    voice, _ = raise_voice(actor=world.member, identity=Identity.CONFIDENTIAL, channel=Channel.WEB)
    handling.assign(users["owner"], voice, handling_org=world.dept_a)
    client.force_login(users["handler"])
    html = client.get(f"/voices/{voice.pk}/").content.decode()
    assert 'id="raised-by">保密' in html and "张三" not in html
    client.force_login(users["owner"])
    assert 'id="raised-by">张三' in client.get(f"/voices/{voice.pk}/").content.decode()


def test_inbox_query_count_does_not_grow(client, world, users, raise_voice):
    client.force_login(users["owner"])
    raise_voice()
    client.get("/voices/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/voices/?show=all").status_code == 200
    for _ in range(10):
        raise_voice()
    with CaptureQueriesContext(connection) as eleven:
        html = client.get("/voices/?show=all").content.decode()
    assert html.count('href="/voices/') >= 11
    # session, user, grants, org ids, count, the page's ids, its rows, the bell's unread count
    assert len(one) == len(eleven) == 8


def test_voice_page_query_count_does_not_grow_with_history(client, world, users, voice):
    owner = users["owner"]
    client.force_login(owner)
    client.get(f"/voices/{voice.pk}/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/voices/{voice.pk}/")
    handling.assign(owner, voice, handling_org=world.dept_a)
    for n in range(5):
        handling.supervise(owner, voice, note=f"督办 {n}")
    with CaptureQueriesContext(connection) as after:
        html = client.get(f"/voices/{voice.pk}/").content.decode()
    assert html.count("督办 ") == 5
    assert len(after) <= len(before) + 1  # + the pending-extension check of an assigned voice


def test_every_action_has_a_permission_check():
    from dangqun.voices.actions import ACTIONS, ALLOWED

    assert set(ALLOWED) == set(ACTIONS)


def test_a_flood_from_one_address_is_slowed_and_keeps_the_text(client, world):
    page = f"/v/{qr_token(world.dept_a)}/"
    data = {"kind": "suggestion", "title": "建议", "content": "内容", "identity": "anonymous"}
    for _ in range(5):
        assert client.post(page, data, REMOTE_ADDR="198.51.100.9").status_code == 200
    refused = client.post(page, {**data, "title": "第六条"}, REMOTE_ADDR="198.51.100.9")
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode() and "第六条" in refused.content.decode()
    assert Voice.objects.count() == 5
    assert client.post(page, data, REMOTE_ADDR="198.51.100.10").status_code == 200  # another phone


def test_guessing_codes_is_slowed(client, world):
    for _ in range(30):
        client.post("/v/q/", {"code": "AAAA-BBBB-CCCC"}, REMOTE_ADDR="198.51.100.9")
    response = client.post("/v/q/", {"code": "AAAA-BBBB-CCCC"}, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()


def test_a_code_in_the_address_is_ignored(client, world, raise_voice):
    _, code = raise_voice()
    html = client.get(f"/v/q/?code={code}").content.decode()
    assert 'id="voice"' not in html  # only a POSTed code opens the voice


def test_behind_a_trusted_proxy_each_phone_is_counted_apart(client, world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    page = f"/v/{qr_token(world.dept_a)}/"
    data = {"kind": "suggestion", "title": "建议", "content": "内容", "identity": "anonymous"}
    for n in range(6):  # six phones through one proxy: none is slowed
        forwarded = f"198.51.100.{n}"
        response = client.post(page, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == 200
    # a forged left-hand entry does not escape the count of the real client
    for n in range(5):
        client.post(
            page, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.5"
        )
    refused = client.post(
        page, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5"
    )
    assert refused.status_code == 429


def test_an_ipv6_network_is_one_client(client, world):
    page = f"/v/{qr_token(world.dept_a)}/"
    data = {"kind": "suggestion", "title": "建议", "content": "内容", "identity": "anonymous"}
    for n in range(5):
        client.post(page, data, REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")
    assert client.post(page, data, REMOTE_ADDR="2001:db8:1:2::99").status_code == 429


def test_the_access_log_format_names_no_client():
    from dangqun.core.management.commands.serve import ACCESS_LOG_FORMAT

    for field in ("%(h)s", "%(a)s", "%(f)s", "%(q)s", "%({x-forwarded-for}i)s"):
        assert field not in ACCESS_LOG_FORMAT


def test_the_person_who_raised_it_sees_no_staff_names_or_internal_notes(
    client, world, users, voice
):
    handling.assign(users["owner"], voice, handling_org=world.dept_a, note="内部意见：先压一压")
    handling.respond(users["handler"], voice)
    handling.answer(users["handler"], voice, text="已加开一班", solved=True)
    client.force_login(world.member)
    html = client.get(f"/voices/{voice.pk}/").content.decode()
    assert "已加开一班" in html and "甲公司综合部" in html
    assert "内部意见" not in html and "handler" not in html and "mass" not in html
    client.force_login(users["owner"])
    assert "内部意见" in client.get(f"/voices/{voice.pk}/").content.decode()


def test_a_dissolved_units_qr_code_no_longer_takes_voices(client, world):
    import datetime

    token = qr_token(world.dept_a)
    world.dept_a.dissolved_on = datetime.date(2026, 1, 1)
    world.dept_a.save(update_fields=["dissolved_on"])
    assert client.get(f"/v/{token}/").status_code == 404


def test_a_refused_action_without_fields_says_why_on_the_page(client, world, users, voice):
    handling.assign(users["owner"], voice, handling_org=world.dept_a)
    client.force_login(users["handler"])
    assert client.post(f"/voices/{voice.pk}/respond/").status_code == 302
    again = client.post(f"/voices/{voice.pk}/respond/")
    assert again.status_code == 422
    assert "已由他人接办" in again.content.decode()


def test_the_inbox_holds_work_and_own_voices_are_under_mine(client, world, handler):
    """A handler's own voice about another company is not their work: it is in 我的反映, and
    they may still open it."""
    own = intake.submit(
        handler,
        {"title": "乙公司班车", "content": "班车太挤", "contact_name": "承办人"},
        unit=world.dept_b,
        channel=Channel.WEB,
        identity=Identity.NAMED,
    ).voice
    client.force_login(handler)
    assert f'href="/voices/{own.pk}/"' not in client.get("/voices/?show=all").content.decode()
    assert f'href="/voices/{own.pk}/"' in client.get("/voices/mine/").content.decode()
    assert client.get(f"/voices/{own.pk}/").status_code == 200
