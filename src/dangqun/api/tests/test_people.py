"""People through the API: ID numbers stay hidden, writes go through the services, filters match the page."""

import datetime

import pytest

from conftest import VALID_IDS
from dangqun.api.tests.helpers import ids
from dangqun.core import crypto
from dangqun.core.models import AuditLog
from dangqun.orgs import services as org_services
from dangqun.people import services
from dangqun.people.models import MemberEvent, PartyProfile, Person

WRONG_CHECKSUM = VALID_IDS[5][:-1] + ("4" if VALID_IDS[5][-1] != "4" else "5")


def _assert_no_full_id(response):
    body = response.content.decode()
    for value in VALID_IDS:
        assert value not in body
    rows = response.json()["results"] if "results" in body else [response.json()]
    for row in rows:
        assert "id_number" not in row  # only id_number_masked is ever returned


def test_id_number_is_never_returned(world, api):
    client = api(world.owner)
    member = api(world.member)
    responses = [
        client.get("/api/people/?left=all"),
        client.get(f"/api/people/{world.zhang.pk}/"),
        member.get("/api/me/"),
        client.post(
            "/api/people/",
            {
                "employee_no": "A0100",
                "name": "钱七",
                "unit": world.dept_a.pk,
                "id_number": VALID_IDS[5],
            },
        ),
        client.patch(
            f"/api/people/{world.li.pk}/", {"id_number": VALID_IDS[0], "birth_date": "1949-12-31"}
        ),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 201, 200]
    for response in responses:
        _assert_no_full_id(response)
    created = responses[3].json()
    assert created["id_number_masked"] == VALID_IDS[5][:3] + "*" * 11 + VALID_IDS[5][-4:]
    # the number was stored encrypted and its birth date and sex derived from it
    person = Person.objects.get(pk=created["id"])
    assert person.reveal_id_number() == VALID_IDS[5]
    assert VALID_IDS[5] not in person.id_number_encrypted
    assert person.id_number_hash == crypto.keyed_hash(VALID_IDS[5])
    assert created["birth_date"] == "2000-01-01" and created["gender"] == "M"
    # nor does the number reach the audit log
    for row in AuditLog.objects.all():
        assert VALID_IDS[5] not in str(row.after) and VALID_IDS[0] not in str(row.after)


def test_create_with_bad_id_checksum_is_400_and_writes_nothing(world, api):
    people_before = Person.objects.count()
    audit_before = AuditLog.objects.count()
    client = api(world.owner)  # creating the token writes one audit row
    response = client.post(
        "/api/people/",
        {
            "employee_no": "A0100",
            "name": "钱七",
            "unit": world.dept_a.pk,
            "id_number": WRONG_CHECKSUM,
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "id_number": ["公民身份号码校验码错误（GB 11643-1999，ISO 7064 MOD 11-2）"]
    }
    assert Person.objects.count() == people_before
    assert AuditLog.objects.count() == audit_before + 1
    assert not Person.objects.filter(employee_no="A0100").exists()


def test_create_reports_every_field_error_in_chinese(world, api):
    response = api(world.owner).post(
        "/api/people/",
        {
            "employee_no": "A0100",
            "name": "钱七",
            "unit": world.branch_a.pk,  # a party branch is not an enterprise unit
            "phone": "call me",
            "party_profile": {"branch": world.branch_a.pk, "joined_on": "2999-01-01"},
        },
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["unit"] == ["所在单位必须是行政组织"]
    assert errors["gender"] == ["请选择性别"]
    assert errors["phone"] == ["联系电话格式不正确"]
    assert errors["party_profile"] == {"joined_on": ["加入党组织日期不能晚于今天"]}
    assert Person.objects.count() == 4


def test_create_with_duplicate_employee_no_or_id_number(world, api):
    client = api(world.owner)
    base = {"name": "钱七", "unit": world.dept_a.pk, "gender": "F"}
    response = client.post("/api/people/", {**base, "employee_no": "A0001"})
    assert response.status_code == 400
    assert response.json() == {"employee_no": ["该工号已被使用"]}
    response = client.post(
        "/api/people/",
        {**base, "gender": "M", "employee_no": "A0100", "id_number": VALID_IDS[1]},
    )
    assert response.status_code == 400
    assert response.json()["id_number"] == ["该公民身份号码已登记在其他人员名下"]
    assert Person.objects.count() == 4


def test_create_with_party_profile(world, api):
    response = api(world.owner).post(
        "/api/people/",
        {
            "employee_no": "A0100",
            "name": "钱七",
            "unit": world.dept_a.pk,
            "id_number": VALID_IDS[5],
            "party_profile": {"branch": world.branch_a.pk, "joined_on": "2021-07-01"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["political_status"] == "cpc_probationary"
    assert body["party_profile"]["branch_name"] == "甲公司综合部党支部"
    person = Person.objects.get(pk=body["id"])
    assert person.party_profile.joined_on == datetime.date(2021, 7, 1)
    assert MemberEvent.objects.filter(person=person, type="joined").exists()
    assert AuditLog.objects.filter(action="person.create", object_id=str(person.pk)).exists()


def test_partial_update_goes_through_the_service(world, api):
    response = api(world.owner).patch(
        f"/api/people/{world.wang.pk}/", {"job_post": "出纳", "education": "bachelor"}
    )
    assert response.status_code == 200
    assert response.json()["job_post"] == "出纳"
    row = AuditLog.objects.get(action="person.update", object_id=str(world.wang.pk))
    assert row.actor == world.owner
    assert row.after == {"job_post": "出纳", "education": "bachelor"}


def test_partial_update_errors(world, api):
    client = api(world.owner)
    url = f"/api/people/{world.wang.pk}/"
    response = client.patch(url, {"id_number": VALID_IDS[5], "birth_date": "1980-01-01"})
    assert response.status_code == 400
    assert "不一致" in response.json()["birth_date"][0]
    response = client.patch(url, {"birth_date": "2999-01-01"})
    assert response.status_code == 400
    assert response.json() == {"birth_date": ["出生日期不能晚于今天"]}
    response = client.patch(url, {"political_status": "cpc"})
    assert response.status_code == 400
    assert "党员信息" in response.json()["political_status"][0]
    response = client.patch(f"/api/people/{world.zhang.pk}/", {"political_status": "masses"})
    assert response.status_code == 400
    response = client.patch(url, {"party_profile": {"branch": world.branch_a.pk}})
    assert response.status_code == 400
    assert "party-profile" in response.json()["party_profile"][0]
    world.wang.refresh_from_db()
    assert world.wang.political_status == "masses"
    assert world.wang.birth_date == datetime.date(1992, 12, 12)


def test_party_profile_update_and_history(world, api):
    client = api(world.owner)
    branch_a2 = org_services.create_org(
        None, parent=world.committee_a, name="甲公司第二党支部", kind="branch", unit=world.dept_a
    )
    url = f"/api/people/{world.li.pk}/party-profile/"
    response = client.patch(url, {"branch": branch_a2.pk, "full_member_on": "2016-07-01"})
    assert response.status_code == 200, response.content
    assert response.json()["branch_name"] == "甲公司第二党支部"
    world.li.refresh_from_db()
    assert world.li.political_status == "cpc"
    assert MemberEvent.objects.filter(person=world.li, type="internal_move").exists()
    # standing and leaving change only through member events: read-only here
    response = client.patch(url, {"standing": "suspended", "left_on": "2020-01-01"})
    assert response.status_code == 200
    profile = PartyProfile.objects.get(person=world.li)
    assert profile.standing == "normal" and profile.left_on is None
    # the services' checks come back per field
    response = client.patch(url, {"full_member_on": "2010-01-01"})
    assert response.status_code == 400
    assert response.json() == {"full_member_on": ["转为正式党员日期应晚于加入党组织日期"]}
    # a branch of company B is outside what the owner may change
    response = client.patch(url, {"branch": world.branch_b.pk})
    assert response.status_code == 400
    assert PartyProfile.objects.get(person=world.li).branch_id == branch_a2.pk


def test_put_party_profile_needs_the_required_fields(world, api):
    response = api(world.owner).put(f"/api/people/{world.wang.pk}/party-profile/", {})
    assert response.status_code == 400
    assert set(response.json()) == {"branch", "joined_on"}
    assert not PartyProfile.objects.filter(person=world.wang).exists()


# Filters -------------------------------------------------------------------------------------


@pytest.fixture
def more_people(world):
    """A member who left, a floating member, and one found by phone tail."""
    left = services.create_person(
        None,
        {"employee_no": "A0004", "name": "张珊", "unit": world.dept_a, "gender": "F"},
        {"branch": world.branch_a, "joined_on": datetime.date(2010, 7, 1)},
    )
    services.record_member_event(
        None, left, "transfer_out", on=datetime.date(2023, 1, 1), counterpart="外单位党委"
    )
    floating = services.create_person(
        None,
        {
            "employee_no": "A0005",
            "name": "周八",
            "unit": world.dept_a,
            "gender": "M",
            "phone": "13712345678",
        },
        {
            "branch": world.branch_a,
            "joined_on": datetime.date(2012, 7, 1),
            "full_member_on": datetime.date(2013, 7, 1),
            "floating_to": "深圳",
            "category": "technical",
        },
    )
    return {"left": left, "floating": floating}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "zs"}, ["zhang", "left"]),  # everyone in scope, members who left included
        ({"q": "zs", "party": "1"}, ["zhang"]),
        ({"q": "张"}, ["zhang", "left"]),
        ({"q": "A0002"}, ["li"]),
        ({"q": "5678"}, ["floating"]),
        ({"status": "cpc_probationary"}, ["li", "left"]),
        ({"party": "1"}, ["zhang", "li", "floating"]),
        ({"category": "technical"}, ["floating"]),
        ({"standing": "floating"}, ["floating"]),
        ({"left": "1"}, ["left"]),
        ({"party": "left"}, ["left"]),
        ({"org": "branch_a"}, ["zhang", "li", "left", "floating"]),
        ({"org": "dept_a"}, ["zhang", "li", "wang", "left", "floating"]),
        ({"org": "branch_b"}, []),  # outside the caller's scope: nothing, not an error
        ({}, ["zhang", "li", "wang", "left", "floating"]),
        ({"left": "all"}, ["zhang", "li", "wang", "left", "floating"]),
    ],
)
def test_filters_match_the_people_page(world, more_people, api, login, params, expected):
    objects = {"zhang": world.zhang, "li": world.li, "wang": world.wang, **more_people}
    if "org" in params:
        params = {**params, "org": getattr(world, params["org"]).pk}
    api_ids = ids(api(world.owner).get("/api/people/", params))
    assert sorted(api_ids) == sorted(objects[name].pk for name in expected)
    page = login(world.owner).get("/people/", params)
    assert page.status_code == 200
    assert [p.pk for p in page.context["page"].object_list] == api_ids


@pytest.mark.parametrize(
    "params",
    [{"status": "bogus"}, {"org": "abc"}, {"left": "yes"}, {"page_size": "0", "page": "x"}],
)
def test_bad_filter_values_are_400_or_ignored(world, api, params):
    response = api(world.owner).get("/api/people/", params)
    if "page" in params:
        assert response.status_code == 404  # DRF: an invalid page is not found
    else:
        assert response.status_code == 400
        assert set(response.json()) == set(params)


def test_pagination(world, more_people, api):
    client = api(world.owner)
    first = client.get("/api/people/", {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    second = client.get("/api/people/", {"page_size": 2, "page": 2}).json()
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])
    capped = client.get("/api/people/", {"page_size": 100000}).json()
    assert capped["count"] == 5  # page_size above 200 is capped, not an error
