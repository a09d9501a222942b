"""The people pages' other actions over the API (export, head counts, revealing an ID number or a
phone number, corrections): who may, what they see (scoped like the page), the audit rows, the Chinese refusals."""

import io

import openpyxl
import pytest

from conftest import VALID_IDS
from dangqun.core.idnumber import mask_phone
from dangqun.core.models import AuditLog
from dangqun.people.models import CorrectionRequest, Person

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "outsider", "reader", "owner"]


def _user(world, role):
    return None if role == "anonymous" else getattr(world, role)


def _names(response) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))


# The export -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "expected", "names"),
    [
        ("anonymous", 401, None),
        ("member", 403, None),  # no 导出 right
        ("outsider", 200, ["赵六"]),  # company B only
        ("reader", 403, None),  # a leader reads, does not export
        ("owner", 200, ["张三", "李四", "王五"]),
    ],
)
def test_export_is_scoped_and_audited(world, api, role, expected, names):
    audits = AuditLog.objects.filter(action="person.export")

    response = api(_user(world, role)).get("/api/people/export/")

    assert response.status_code == expected, response.content[:300]
    if expected == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert sorted(_names(response)) == sorted(names)
        assert response["X-Row-Count"] == str(len(names))
        assert audits.get().actor == world.owner if role == "owner" else audits.count() == 1
    else:
        assert not audits.exists()
        if expected == 403:
            assert response.json()["detail"] == "您没有导出人员的权限"


def test_export_takes_the_list_filters_and_refuses_a_bad_one(world, api):
    client = api(world.owner)
    response = client.get("/api/people/export/", {"party": "1"})
    assert _names(response) == sorted(["张三", "李四"])
    assert AuditLog.objects.get(action="person.export").after["filters"] == {"party": "1"}

    response = client.get("/api/people/export/", {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in response.json()
    assert AuditLog.objects.filter(action="person.export").count() == 1


# Head counts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "counts"),
    [
        ("member", (1, 1, 0)),  # their own record
        ("outsider", (1, 1, 0)),
        ("reader", (3, 2, 1)),
        ("owner", (3, 2, 1)),
    ],
)
def test_head_counts_are_the_home_pages(world, api, role, counts):
    response = api(_user(world, role)).get("/api/people/head-counts/")
    assert response.status_code == 200
    body = response.json()
    assert (body["people_count"], body["member_count"], body["probationary_count"]) == counts
    assert body["lost_count"] == 0


def test_head_counts_need_a_caller(api):
    assert api(None).get("/api/people/head-counts/").status_code == 401


# Revealing an ID number -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("member", 200), ("outsider", 404), ("reader", 403), ("owner", 200)],
)
def test_reveal_id_matrix(world, api, role, expected):
    response = api(_user(world, role)).post(f"/api/people/{world.zhang.pk}/reveal-id/")

    assert response.status_code == expected, response.content
    reveals = AuditLog.objects.filter(action="person.reveal_id_number")
    if expected == 200:
        assert response.json() == {"id_number": VALID_IDS[1]}
        row = reveals.get()
        assert row.actor == _user(world, role) and row.object_id == str(world.zhang.pk)
    else:
        assert not reveals.exists()
        if role == "reader":
            assert response.json()["detail"] == "您无权查看完整的公民身份号码"


def test_a_member_sees_no_one_elses_id_number(world, api):
    assert api(world.member).post(f"/api/people/{world.li.pk}/reveal-id/").status_code == 404


# Phone numbers: masked in lists and details, revealed by permission, audited ---------------------
def test_lists_and_details_carry_only_the_masked_number(world, api):
    client = api(world.owner)
    listed = client.get("/api/people/").json()["results"]
    detail = client.get(f"/api/people/{world.wang.pk}/").json()
    me = api(world.member).get("/api/me/").json()

    for item in [*listed, detail, me]:
        assert "phone" not in item
        assert item["phone_masked"] == mask_phone(Person.objects.get(pk=item["id"]).phone)
    assert detail["phone_masked"] == "138****0003"
    everything = str(listed) + str(detail) + str(me)
    for person in (world.zhang, world.li, world.wang):
        assert person.phone not in everything
    assert not AuditLog.objects.filter(action="person.reveal_phone").exists()


def test_writing_a_phone_still_works_and_answers_masked(world, api):
    client = api(world.owner)
    response = client.patch(f"/api/people/{world.wang.pk}/", {"phone": "13911112222"})

    assert response.status_code == 200, response.content
    assert response.json()["phone_masked"] == "139****2222" and "phone" not in response.json()
    assert Person.objects.get(pk=world.wang.pk).phone == "13911112222"
    # leaving it out keeps it; an empty string clears it
    client.patch(f"/api/people/{world.wang.pk}/", {"job_post": "司机"})
    assert Person.objects.get(pk=world.wang.pk).phone == "13911112222"
    client.patch(f"/api/people/{world.wang.pk}/", {"phone": ""})
    assert Person.objects.get(pk=world.wang.pk).phone == ""


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("member", 200), ("outsider", 404), ("reader", 403), ("owner", 200)],
)
def test_reveal_phone_matrix(world, api, role, expected):
    response = api(_user(world, role)).post(f"/api/people/{world.zhang.pk}/reveal-phone/")

    assert response.status_code == expected, response.content
    reveals = AuditLog.objects.filter(action="person.reveal_phone")
    if expected == 200:
        assert response.json() == {"phone": world.zhang.phone}
        row = reveals.get()
        assert row.actor == _user(world, role) and row.object_id == str(world.zhang.pk)
    else:
        assert not reveals.exists()
        if role == "reader":
            assert response.json()["detail"] == "您无权查看完整的联系电话"


def test_a_member_sees_no_one_elses_phone(world, api):
    assert api(world.member).post(f"/api/people/{world.li.pk}/reveal-phone/").status_code == 404
    assert api(world.member).get(f"/api/people/{world.li.pk}/").status_code == 404


# Corrections ------------------------------------------------------------------------------------
def _ask(api, world, body=None):
    body = body or {"phone": "13900009999", "reason": "换了手机号"}
    return api(world.member).post(f"/api/people/{world.zhang.pk}/corrections/", body)


def test_a_member_asks_and_both_levels_review_until_the_record_changes(world, api):
    response = _ask(api, world)
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["changes"] == {"phone": "13900009999"}
    assert item["status"] == "submitted" and item["status_label"] == "待支部审核"

    own = api(world.member).get(f"/api/people/{world.zhang.pk}/corrections/")
    assert [row["id"] for row in own.json()] == [item["id"]]

    owner = api(world.owner)
    pending = owner.get("/api/people/corrections/").json()
    assert [row["id"] for row in pending] == [item["id"]]
    url = f"/api/people/corrections/{item['id']}/review/"
    first = owner.post(url, {"decision": "approve"})
    assert first.status_code == 200 and first.json()["status"] == "branch_checked"
    second = owner.post(url, {"decision": "approve", "note": "核对无误"})
    assert second.json()["status"] == "approved"

    assert Person.objects.get(pk=world.zhang.pk).phone == "13900009999"
    actions = list(AuditLog.objects.values_list("action", flat=True))
    assert actions.count("correction.review") == 2 and "correction.request" in actions
    assert owner.post(url, {"decision": "approve"}).json() == {"non_field_errors": ["该申请已办结"]}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"phone": "13900009999"}, {"reason": ["请说明更正理由"]}),
        ({"reason": "想改"}, {"non_field_errors": ["请至少填写一项需要更正的内容"]}),
        (
            {"joined_on": "2015-13-01", "reason": "记错了"},
            {"non_field_errors": ["加入党组织日期格式应为 YYYY-MM-DD"]},
        ),
    ],
)
def test_a_bad_request_is_refused_in_chinese_and_nothing_is_kept(world, api, body, errors):
    response = _ask(api, world, body)
    assert response.status_code == 400
    assert response.json() == errors
    assert not CorrectionRequest.objects.exists()


def test_only_ones_own_record_and_one_open_request(world, api):
    response = api(world.owner).post(
        f"/api/people/{world.zhang.pk}/corrections/", {"phone": "1", "reason": "x"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "只能申请更正本人信息"
    assert _ask(api, world).status_code == 201
    again = _ask(api, world)
    assert again.json() == {"non_field_errors": ["您已有一项更正申请正在审核中"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("member", 403), ("outsider", 200), ("reader", 403), ("owner", 200)],
)
def test_pending_corrections_matrix(world, api, role, expected):
    _ask(api, world)
    response = api(_user(world, role)).get("/api/people/corrections/")
    assert response.status_code == expected
    if role == "outsider":
        assert response.json() == []  # company B checks nobody of company A
    if role == "owner":
        assert [row["person_name"] for row in response.json()] == ["张三"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("member", 404), ("outsider", 404), ("reader", 404), ("owner", 200)],
)
def test_review_matrix(world, api, role, expected):
    item = _ask(api, world).json()
    url = f"/api/people/corrections/{item['id']}/review/"
    response = api(_user(world, role)).post(url, {"decision": "approve"})
    assert response.status_code == expected
    status = CorrectionRequest.objects.get().status
    assert status == ("branch_checked" if expected == 200 else "submitted")


def test_sending_back_needs_a_reason_and_an_unknown_decision_is_refused(world, api):
    item = _ask(api, world).json()
    owner = api(world.owner)
    url = f"/api/people/corrections/{item['id']}/review/"
    assert owner.post(url, {"decision": "reject"}).json() == {"decision_note": ["退回时请填写理由"]}
    assert owner.post(url, {"decision": "maybe"}).status_code == 400
    assert CorrectionRequest.objects.get().status == "submitted"
    response = owner.post(url, {"decision": "reject", "note": "请附证明材料"})
    assert response.json()["status"] == "rejected"
    assert Person.objects.get(pk=world.zhang.pk).phone != "13900009999"


def test_the_corrections_of_a_person_outside_the_scope_are_not_found(world, api):
    response = api(world.outsider).get(f"/api/people/{world.zhang.pk}/corrections/")
    assert response.status_code == 404


def test_reveal_phone_queries_are_pinned(world, api, django_assert_num_queries):
    client = api(world.owner)
    client.post(f"/api/people/{world.zhang.pk}/reveal-phone/")
    # token, grants, the scope's organisations, the person, the right (查看身份证号 answers),
    # the audit row, and the transaction's savepoint and its release
    with django_assert_num_queries(8):
        response = client.post(f"/api/people/{world.wang.pk}/reveal-phone/")
    assert response.json() == {"phone": world.wang.phone}
