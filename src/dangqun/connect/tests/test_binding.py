"""Who an enterprise identity is: binding, then 工号, then mobile; refusals in Chinese; audit."""

import pytest
from django.core.exceptions import ValidationError

from dangqun.connect.client import Identity
from dangqun.connect.models import Binding
from dangqun.connect.services import digits, sign_in_user
from dangqun.core.models import AuditLog
from dangqun.people.models import Person


def wecom(userid, *, employee_no="", mobile=""):
    return Identity("wecom", userid, employee_no=employee_no, mobile=mobile)


def refusal(identity) -> str:
    with pytest.raises(ValidationError) as refused:
        sign_in_user(identity)
    return " ".join(refused.value.messages)


def test_first_sign_in_by_employee_number_binds_and_is_audited_once(world):
    assert sign_in_user(wecom("zs", employee_no="A0001")) == world.member
    binding = Binding.objects.get(provider="wecom", external_id="zs")
    assert binding.user == world.member and binding.matched_by == "employee_no"
    rows = AuditLog.objects.filter(action="connect.bind")
    assert rows.count() == 1
    assert rows[0].actor == world.member
    assert rows[0].after == {"provider": "wecom", "external_id": "zs", "matched_by": "employee_no"}
    # Next time the binding answers, whatever the 工号 says now; no second audit row.
    assert sign_in_user(wecom("zs", employee_no="X9999")) == world.member
    assert AuditLog.objects.filter(action="connect.bind").count() == 1
    assert Binding.objects.get(pk=binding.pk).last_login_at is not None


def test_the_binding_wins_over_employee_number(world, make_user):
    other = make_user("other")
    Binding.objects.create(user=other, provider="wecom", external_id="A0001", matched_by="admin")
    assert sign_in_user(wecom("A0001", employee_no="A0001")) == other


def test_mobile_is_tried_after_employee_number(world):
    Person.objects.filter(pk=world.zhao.pk).update(phone="13911112222")
    identity = Identity("dingtalk", "ding-zs", employee_no="NOPE", mobile="+86 138-0000-0001")
    assert sign_in_user(identity) == world.member
    assert Binding.objects.get(external_id="ding-zs").matched_by == "mobile"


def test_a_mobile_shared_by_two_people_is_refused_in_chinese(world, make_user):
    # 张三 has an account; 赵六 (another company) has the same number, written with spaces.
    Person.objects.filter(pk=world.zhao.pk).update(phone="138 0000 0001")
    message = refusal(wecom("zs", mobile="13800000001"))
    assert "手机号 138****0001 对应多名人员" in message and "联系管理员" in message
    assert not Binding.objects.exists()
    assert not AuditLog.objects.filter(action="connect.bind").exists()


def test_a_person_without_an_account_is_refused(world):
    message = refusal(wecom("ls", employee_no="A0002"))
    assert "李四" in message and "尚未开通账号" in message


def test_nobody_found_is_refused(world):
    message = refusal(wecom("ghost", employee_no="Z0000", mobile="13999999999"))
    assert message.startswith("未找到与您的企业微信账号对应的人员")


def test_an_account_bound_to_another_identity_is_not_rebound(world):
    sign_in_user(wecom("zs-old", employee_no="A0001"))
    message = refusal(wecom("zs-new", employee_no="A0001"))
    assert "已绑定另一个企业微信身份" in message
    assert Binding.objects.filter(user=world.member).count() == 1


def test_a_disabled_account_cannot_sign_in(world):
    world.member.is_active = False
    world.member.save()
    assert refusal(wecom("zs", employee_no="A0001")) == "该账号已停用，无法登录。"


def test_the_same_person_binds_each_provider_once(world):
    sign_in_user(wecom("zs", employee_no="A0001"))
    sign_in_user(Identity("dingtalk", "d-zs", employee_no="A0001"))
    assert set(Binding.objects.values_list("provider", flat=True)) == {"wecom", "dingtalk"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("+86 138 0000 0001", "13800000001"), ("138-0000-0001", "13800000001"), ("", "")],
)
def test_mobile_numbers_are_compared_by_their_digits(raw, expected):
    assert digits(raw) == expected
