"""People services: validation with Chinese messages, uniqueness, audit, ID number secrecy."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import VALID_IDS
from dangqun.core import crypto
from dangqun.core.idnumber import check_char
from dangqun.core.models import AuditLog
from dangqun.orgs import services as org_services
from dangqun.people import services
from dangqun.people.models import MemberEvent, PartyProfile, Person


def valid_id(birth: str, sequence: str = "001", region: str = "110105") -> str:
    body = f"{region}{birth}{sequence}"
    return body + check_char(body)


def data_for(world, **overrides):
    data = {
        "employee_no": "A0100",
        "name": "钱七",
        "unit": world.dept_a,
        "id_number": valid_id("19880808", "013"),  # 3 is odd: male
        "phone": "13912345678",
    }
    data.update(overrides)
    return data


def counts():
    return (
        Person.objects.count(),
        PartyProfile.objects.count(),
        MemberEvent.objects.count(),
        AuditLog.objects.count(),
    )


def test_create_derives_birth_date_and_gender_and_stores_the_number_secretly(world):
    person = services.create_person(world.owner, data_for(world))
    person.refresh_from_db()
    number = valid_id("19880808", "013")
    assert person.birth_date == datetime.date(1988, 8, 8)
    assert person.gender == "M"
    assert person.id_number_masked == number[:3] + "*" * 11 + number[-4:]
    assert number not in person.id_number_encrypted
    assert person.id_number_hash == crypto.keyed_hash(number)
    assert person.reveal_id_number() == number
    assert person.name_pinyin == " qq qianqi"
    row = AuditLog.objects.get(action="person.create", object_id=str(person.pk))
    assert row.actor == world.owner
    assert row.after["name"] == "钱七"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": valid_id("19880808")[:-1] + "0"}, "id_number", "校验码错误"),
        ({"id_number": "11010519900230001X"}, "id_number", "出生日期 19900230 不存在"),
        ({"id_number": "1101051988"}, "id_number", "应为 18 位，实为 10 位"),
        (
            {"birth_date": datetime.date(1988, 8, 9)},
            "birth_date",
            "出生日期 1988-08-09 与公民身份号码中的 1988-08-08 不一致",
        ),
        ({"gender": "F"}, "gender", "性别与公民身份号码第 17 位不一致"),
        ({"employee_no": " "}, "employee_no", "请填写工号"),
        ({"name": ""}, "name", "请填写姓名"),
        ({"phone": "call me"}, "phone", "联系电话格式不正确"),
        ({"id_number": "", "gender": ""}, "gender", "请选择性别"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(world, overrides, field, message):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.create_person(world.owner, data_for(world, **overrides))
    assert message in exc.value.message_dict[field][0]
    assert counts() == before


def test_create_refuses_a_unit_that_is_not_an_enterprise_unit(world):
    with pytest.raises(ValidationError) as exc:
        services.create_person(world.owner, data_for(world, unit=world.branch_a))
    assert exc.value.message_dict["unit"] == ["所在单位必须是行政组织"]


def test_create_refuses_a_bad_party_profile_and_writes_nothing(world):
    before = counts()
    profile = {
        "branch": world.branch_a,
        "joined_on": datetime.date(2020, 1, 1),
        "full_member_on": datetime.date(2019, 1, 1),
    }
    with pytest.raises(ValidationError) as exc:
        services.create_person(world.owner, data_for(world), profile)
    assert exc.value.message_dict["full_member_on"] == ["转为正式党员日期应晚于加入党组织日期"]
    assert counts() == before


def test_joining_the_party_before_eighteen_is_refused(world):
    profile = {"branch": world.branch_a, "joined_on": datetime.date(2005, 1, 1)}
    with pytest.raises(ValidationError) as exc:
        services.create_person(world.owner, data_for(world), profile)
    assert "未满 18 周岁" in exc.value.message_dict["joined_on"][0]


@pytest.mark.parametrize(
    "variant",
    [VALID_IDS[1], " " + VALID_IDS[1] + " ", "".join(chr(ord(c) + 0xFEE0) for c in VALID_IDS[1])],
)
def test_duplicate_id_number_is_found_through_the_keyed_hash(world, variant):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.create_person(world.owner, data_for(world, id_number=variant))
    assert exc.value.message_dict == {"id_number": ["该公民身份号码已登记在其他人员名下"]}
    assert counts() == before
    assert services.find_by_id_number(variant) == world.zhang


def test_duplicate_id_number_with_a_lower_case_x(world):
    services.create_person(None, data_for(world, id_number=VALID_IDS[0]))
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            None, data_for(world, employee_no="A0101", id_number=VALID_IDS[0].lower())
        )
    assert exc.value.message_dict == {"id_number": ["该公民身份号码已登记在其他人员名下"]}


def test_duplicate_employee_number(world):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.create_person(world.owner, data_for(world, employee_no="A0001"))
    assert exc.value.message_dict == {"employee_no": ["该工号已被使用"]}
    assert counts() == before


def test_create_outside_the_actor_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.create_person(world.outsider, data_for(world))
    with pytest.raises(PermissionDenied):
        services.create_person(world.reader, data_for(world))
    assert not Person.objects.filter(employee_no="A0100").exists()


def test_create_with_a_branch_outside_the_actor_scope_is_refused(world):
    profile = {"branch": world.branch_b, "joined_on": datetime.date(2015, 1, 1)}
    before = counts()
    with pytest.raises(PermissionDenied):
        services.create_person(world.owner, data_for(world), profile)
    assert counts() == before


def test_update_writes_before_and_after(world):
    services.update_person(world.owner, world.wang, {"phone": "13700000000", "job_post": "司机"})
    row = AuditLog.objects.get(action="person.update")
    assert row.actor == world.owner
    assert row.before == {"phone": "138****0003", "job_post": ""}
    assert row.after == {"phone": "137****0000", "job_post": "司机"}
    world.wang.refresh_from_db()
    assert world.wang.phone == "13700000000"


def test_audit_rows_keep_phone_numbers_masked(world, make_user):
    """Pages show a phone masked and each reveal is audited: the audit log (read by auditors who
    may not reveal) keeps it masked too, on registering, changing and correcting a person."""
    person = services.create_person(world.owner, data_for(world))
    services.update_person(world.owner, person, {"phone": "13687654321"})
    services.update_person(world.owner, person, {"phone": "13687650000"})  # same mask, changed
    assert Person.objects.get(pk=person.pk).phone == "13687650000"
    requested = services.request_correction(
        world.member, world.zhang, {"phone": "13511112222"}, "换号了"
    )
    services.review_correction(world.owner, requested, approve=True)
    services.review_correction(world.owner, requested, approve=True)
    assert Person.objects.get(pk=world.zhang.pk).phone == "13511112222"
    logged = json.dumps(
        list(AuditLog.objects.values("before", "after", "object_repr")), ensure_ascii=False
    )
    for number in ("13912345678", "13687654321", "13687650000", "13800000001", "13511112222"):
        assert number not in logged
    changes = AuditLog.objects.filter(action="person.update", object_id=str(person.pk))
    assert [(row.before, row.after) for row in changes.order_by("pk")] == [
        ({"phone": "139****5678"}, {"phone": "136****4321"}),
        ({"phone": "136****4321"}, {"phone": "136****0000"}),
    ]


def test_update_with_nothing_changed_writes_no_audit_row(world):
    before = AuditLog.objects.count()
    services.update_person(
        world.owner, world.wang, {"name": "王五", "phone": "13800000003", "id_number": VALID_IDS[3]}
    )
    assert AuditLog.objects.count() == before


def test_update_refuses_bad_input_and_keeps_the_record(world):
    with pytest.raises(ValidationError) as exc:
        services.update_person(world.owner, world.wang, {"name": "", "phone": "x"})
    assert set(exc.value.message_dict) == {"name", "phone"}
    world.wang.refresh_from_db()
    assert world.wang.name == "王五"


def test_update_by_someone_without_the_right_is_refused(world):
    for actor in (world.reader, world.outsider, world.member):
        with pytest.raises(PermissionDenied):
            services.update_person(actor, world.wang, {"phone": "13700000000"})


def test_update_moving_a_person_to_a_unit_outside_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.update_person(world.owner, world.wang, {"unit": world.dept_b})


def test_a_corrected_id_number_brings_its_own_birth_date_and_gender(world):
    new_number = valid_id("19930305", "024")  # 2 is even: female
    services.update_person(world.owner, world.wang, {"id_number": new_number})
    world.wang.refresh_from_db()
    assert world.wang.birth_date == datetime.date(1993, 3, 5)
    assert world.wang.gender == "F"
    assert world.wang.reveal_id_number() == new_number


def test_update_to_another_person_id_number_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.update_person(world.owner, world.wang, {"id_number": VALID_IDS[1]})
    assert exc.value.message_dict == {"id_number": ["该公民身份号码已登记在其他人员名下"]}
    world.wang.refresh_from_db()
    assert world.wang.reveal_id_number() == VALID_IDS[3]


def test_the_id_number_never_appears_in_audit_rows(world):
    new_number = valid_id("19930305", "024")
    services.update_person(world.owner, world.wang, {"id_number": new_number})
    services.reveal_id_number(world.owner, world.wang)
    services.create_person(world.owner, data_for(world))
    secrets = set(VALID_IDS) | {new_number, valid_id("19880808", "013")}
    secrets |= {crypto.keyed_hash(s) for s in list(secrets)}
    rows = list(AuditLog.objects.values("before", "after", "object_repr"))
    assert rows
    dumped = json.dumps(rows, ensure_ascii=False)
    for secret in secrets:
        assert secret not in dumped
        assert secret[:14] not in dumped  # not even the birth-date part with the region
    change = AuditLog.objects.get(action="person.update")
    assert change.after["id_number_hash"] == "（已变更）"


def test_reveal_needs_the_permission_and_is_audited(world):
    assert services.reveal_id_number(world.owner, world.zhang) == VALID_IDS[1]
    row = AuditLog.objects.get(action="person.reveal_id_number")
    assert row.actor == world.owner
    assert row.object_id == str(world.zhang.pk)
    for actor in (world.reader, world.outsider, world.auditor, world.sysadmin):
        with pytest.raises(PermissionDenied):
            services.reveal_id_number(actor, world.zhang)
    assert AuditLog.objects.filter(action="person.reveal_id_number").count() == 1


def test_a_member_may_reveal_their_own_number_and_it_is_audited(world):
    assert services.reveal_id_number(world.member, world.zhang) == VALID_IDS[1]
    with pytest.raises(PermissionDenied):
        services.reveal_id_number(world.member, world.li)
    assert (
        AuditLog.objects.filter(action="person.reveal_id_number", actor=world.member).count() == 1
    )


def test_set_party_profile_for_a_new_member(world):
    profile = services.set_party_profile(
        world.owner,
        world.wang,
        {"branch": world.branch_a, "joined_on": datetime.date(2023, 1, 1)},
    )
    world.wang.refresh_from_db()
    assert world.wang.political_status == "cpc_probationary"
    assert profile.branch == world.branch_a
    assert [e.type for e in world.wang.member_events.all()] == ["joined"]


def test_set_party_profile_change_of_branch_is_an_internal_move(world):
    services.set_party_profile(None, world.zhang, {"branch": world.branch_b})
    event = world.zhang.member_events.get(type="internal_move")
    assert (event.from_branch, event.to_branch) == (world.branch_a, world.branch_b)
    row = AuditLog.objects.get(action="party_profile.update")
    assert row.before == {"branch_id": world.branch_a.pk}


def test_set_party_profile_refuses_bad_dates(world):
    with pytest.raises(ValidationError) as exc:
        services.set_party_profile(
            world.owner, world.li, {"full_member_on": datetime.date(2010, 1, 1)}
        )
    assert exc.value.message_dict["full_member_on"] == ["转为正式党员日期应晚于加入党组织日期"]


def test_set_party_profile_refuses_a_branch_outside_scope(world):
    with pytest.raises(PermissionDenied):
        services.set_party_profile(world.owner, world.zhang, {"branch": world.branch_b})


def assert_branch_copies_agree():
    """Person.party_branch and is_current_member repeat the profile (docs/decisions/0005)."""
    for person in Person.objects.select_related("party_profile"):
        profile = getattr(person, "party_profile", None)
        expected = profile.branch_id if profile is not None else None
        assert person.party_branch_id == expected, person.name
        current = profile is not None and profile.left_on is None
        assert person.is_current_member == current, person.name


def test_the_copy_of_the_branch_on_person_follows_every_service(world, make_user):
    assert_branch_copies_agree()
    other = org_services.create_org(None, parent=world.committee_a, name="第二支部", kind="branch")
    steps = [
        lambda: services.create_person(
            None,
            data_for(world),
            {"branch": world.branch_a, "joined_on": datetime.date(2010, 1, 1)},
        ),
        lambda: services.set_party_profile(
            None, world.wang, {"branch": other, "joined_on": datetime.date(2012, 1, 1)}
        ),
        lambda: services.set_party_profile(None, world.zhang, {"branch": other}),
        lambda: services.record_member_event(
            None, world.zhang, "internal_move", on=world.today, to_branch=world.branch_a
        ),
        lambda: services.record_member_event(
            None, world.li, "transfer_out", on=world.today, counterpart="外单位"
        ),
        lambda: services.record_member_event(
            None, world.li, "transfer_in", on=world.today, to_branch=other
        ),
        lambda: services.record_member_event(None, world.zhao, "expelled", on=world.today),
        lambda: services.update_person(None, world.wang, {"phone": "13700000000"}),
    ]
    for step in steps:
        step()
        assert_branch_copies_agree()
    assert Person.objects.get(pk=world.li.pk).party_branch == other
    assert not Person.objects.get(pk=world.zhao.pk).is_current_member  # expelled


def test_update_keeps_birth_date_and_gender_bound_to_the_stored_id_number(world):
    # 张三's stored number is 110105199001011232: born 1990-01-01, male
    with pytest.raises(ValidationError) as exc:
        services.update_person(world.owner, world.zhang, {"birth_date": datetime.date(1991, 1, 1)})
    assert "与公民身份号码中的 1990-01-01 不一致" in exc.value.message_dict["birth_date"][0]
    with pytest.raises(ValidationError) as exc:
        services.update_person(world.owner, world.zhang, {"gender": "F"})
    assert "gender" in exc.value.message_dict
    person = Person.objects.get(pk=world.zhang.pk)
    assert (person.birth_date, person.gender) == (datetime.date(1990, 1, 1), "M")
    services.update_person(world.owner, world.zhang, {"birth_date": datetime.date(1990, 1, 1)})
