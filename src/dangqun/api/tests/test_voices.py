"""Voices over the API: submit with the caller's account, read within the scope."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.test import APIClient

from dangqun.accounts.services import create_token
from dangqun.voices import intake, services
from dangqun.voices.models import Channel, Identity, Voice


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(None, user, 'test')}")
    return client


@pytest.fixture
def mass(world, make_user):
    return make_user("mass", role="mass_admin", org=world.company_a)


def test_an_employee_submits_and_reads_their_voice(world):
    api = client_for(world.member)
    response = api.post(
        "/api/voices/", {"title": "班车", "content": "早班车太挤", "kind": "request"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["query_code"]) == 14 and body["raised_by"] == "张三"
    voice = Voice.objects.get()
    assert (voice.channel, voice.user, voice.unit) == (Channel.API, world.member, world.dept_a)
    assert services.find_by_code(body["query_code"]) == voice
    mine = api.get("/api/voices/?mine=1").json()
    assert [v["id"] for v in mine["results"]] == [voice.pk]
    assert "query_code" not in api.get(f"/api/voices/{voice.pk}/").json()


@pytest.mark.parametrize("identity", ["named", "confidential"])
def test_the_answer_to_a_submission_is_the_voice_as_the_api_reads_it(world, identity):
    """The submission's answer is built by hand (speed); it must say what the serializer says."""
    from dangqun.api.voices import VoiceSerializer
    from dangqun.voices.models import Category

    category = Category.objects.create(name="班车", handling_org=world.dept_a)
    api = client_for(world.member)
    data = {"title": "班车", "content": "早班车太挤", "identity": identity, "category": category.pk}
    response = api.post("/api/voices/", data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    body.pop("query_code")
    voice = Voice.objects.select_related("unit", "handling_org", "person").get()
    request = type("Request", (), {"user": world.member})()
    expected = VoiceSerializer(voice, context={"request": request}).data
    assert body == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))
    assert body["category"] == category.pk and body["urgency"] == category.urgency
    assert body["raised_by"] == ("张三" if identity == "named" else "保密")


def test_an_anonymous_api_voice_is_nobodys(world):
    api = client_for(world.member)
    body = api.post(
        "/api/voices/",
        {"title": "加班", "content": "长期加班", "identity": "anonymous"},
        format="json",
    ).json()
    assert set(body) == {"query_code", "number", "status"}
    voice = Voice.objects.get()
    assert (voice.user, voice.person, voice.identity) == (None, None, Identity.ANONYMOUS)
    assert api.get("/api/voices/").json()["results"] == []


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": "", "content": "x"}, "title"),
        ({"title": "x" * 101, "content": "x"}, "title"),
        ({"title": "x", "content": "x" * 50_001}, "content"),
        ({"title": "x", "content": "x", "kind": "proposal"}, "kind"),
        ({"title": "x", "content": "x", "identity": "secret"}, "identity"),
    ],
)
def test_bad_input_is_refused_in_chinese(world, data, field):
    response = client_for(world.member).post("/api/voices/", data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Voice.objects.count() == 0


def test_an_account_without_a_person_is_told_why(world, mass):
    response = client_for(mass).post("/api/voices/", {"title": "x", "content": "y"}, format="json")
    assert response.status_code == 400
    assert "未关联人员档案" in response.json()["unit"][0]


def test_scope_and_identity_on_read(world, mass, make_user):
    voice = intake.submit(
        world.member,
        {"title": "保密", "content": "内容"},
        unit=world.dept_a,
        channel=Channel.WEB,
        identity=Identity.CONFIDENTIAL,
    ).voice
    outsider = make_user("mass_b", role="mass_admin", org=world.company_b)
    assert client_for(outsider).get(f"/api/voices/{voice.pk}/").status_code == 404
    assert client_for(outsider).get("/api/voices/").json()["count"] == 0
    assert client_for(mass).get(f"/api/voices/{voice.pk}/").json()["raised_by"] == "张三"
    leader = client_for(world.reader).get(f"/api/voices/{voice.pk}/").json()
    assert leader["raised_by"] == "保密"
    assert APIClient().get("/api/voices/").status_code == 401
    bad = client_for(mass).get("/api/voices/?status=nonsense")
    assert bad.status_code == 400 and "状态应为" in bad.json()["status"][0]


def test_list_query_count_does_not_grow(world, mass, django_assert_num_queries):
    api = client_for(mass)
    for n in range(3):
        intake.submit(
            None,
            {"title": f"t{n}", "content": "c"},
            unit=world.dept_a,
            channel=Channel.QR,
            identity=Identity.ANONYMOUS,
        )
    api.get("/api/voices/")  # the first call of a token records when it was used
    with django_assert_num_queries(6) as ctx:  # token, grants, org ids, count, ids, rows
        api.get("/api/voices/")
    for n in range(10):
        intake.submit(
            None,
            {"title": f"m{n}", "content": "c"},
            unit=world.dept_a,
            channel=Channel.QR,
            identity=Identity.ANONYMOUS,
        )
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert api.get("/api/voices/").json()["count"] == 13


def test_handling_over_the_api_uses_the_same_rules_as_the_pages(world, mass, make_user):
    handler = make_user("handler", role="handler", org=world.dept_a)
    voice = client_for(world.member).post(
        "/api/voices/", {"title": "班车", "content": "早班车太挤"}, format="json"
    )
    pk = voice.json()["id"]
    admin, unit = client_for(mass), client_for(handler)
    missing = admin.post(f"/api/voices/{pk}/assign/", {"urgency": "normal"}, format="json")
    assert missing.status_code == 400 and "handling_org" in missing.json()
    assigned = admin.post(
        f"/api/voices/{pk}/assign/",
        {"handling_org": world.dept_a.pk, "urgency": "normal"},
        format="json",
    )
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    assert unit.post(f"/api/voices/{pk}/assign/", {}, format="json").status_code == 403
    assert unit.post(f"/api/voices/{pk}/respond/").json()["status"] == "in_progress"
    again = unit.post(f"/api/voices/{pk}/respond/")
    assert again.status_code == 400 and "已由他人接办" in str(again.json())
    answered = unit.post(
        f"/api/voices/{pk}/answer/", {"text": "已加车", "solved": "1"}, format="json"
    )
    assert answered.json()["status"] == "answered"
    rated = client_for(world.member).post(f"/api/voices/{pk}/rate/", {"rating": "satisfied"})
    assert rated.json()["status"] == "closed"
    assert admin.post(f"/api/voices/{pk}/fly/").status_code == 404
    outsider = client_for(world.outsider)
    assert outsider.post(f"/api/voices/{pk}/supervise/", {"note": "快"}).status_code == 404


def test_files_go_with_a_voice_and_are_checked_by_their_content(world, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(png, "PNG")
    api = client_for(world.member)
    text = {"title": "路灯", "content": "厂区东门路灯坏了"}
    disguised = SimpleUploadedFile("照片.png", b"MZ\x90\x00 a program", content_type="image/png")
    refused = api.post("/api/voices/", {**text, "files": [disguised]}, format="multipart")
    assert refused.status_code == 400 and "照片.png" in refused.json()["files"][0]
    assert Voice.objects.count() == 0
    photo = SimpleUploadedFile("现场.png", png.getvalue(), content_type="image/png")
    response = api.post("/api/voices/", {**text, "files": [photo]}, format="multipart")
    assert response.status_code == 201, response.json()
    [attachment] = Voice.objects.get().attachments.all()
    assert (attachment.name, attachment.content_type) == ("现场.png", "image/png")


def test_submitting_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    """Issue #15 §5: token, the person with their unit, then the unit's company (issue #18 §3),
    voice, tallies, history and audit in one transaction; indexing for duplicates follows after
    commit, off the request."""
    api = client_for(world.member)
    api.get("/api/voices/?mine=1")  # the token's first use is recorded once
    data = {"title": "班车", "content": "早班车太挤"}
    with django_assert_num_queries(9):  # the 7, and the savepoint a test's transaction adds
        assert api.post("/api/voices/", data, format="json").status_code == 201
