"""Corrections (domain-rules §6): the member asks, the branch checks, the 党委 re-checks and applies."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangqun.core.models import AuditLog
from dangqun.people import services
from dangqun.people.models import CorrectionRequest, PartyProfile, Person


@pytest.fixture
def secretary(world, make_user):
    """A branch secretary over company A's branch: checks, cannot approve."""
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


def ask(world, changes=None, reason="搬家了"):
    return services.request_correction(
        world.member, world.zhang, changes or {"phone": "13911112222"}, reason
    )


def test_only_the_member_may_ask_for_their_own_record(world):
    for actor in (world.owner, world.outsider, world.reader):
        with pytest.raises(PermissionDenied, match="只能申请更正本人信息"):
            services.request_correction(actor, world.zhang, {"phone": "139"}, "理由")
    with pytest.raises(PermissionDenied):
        services.request_correction(world.member, world.li, {"phone": "139"}, "理由")
    assert not CorrectionRequest.objects.exists()


def test_asking_needs_a_change_and_a_reason(world):
    with pytest.raises(ValidationError, match="请至少填写一项"):
        ask(world, {"phone": "  ", "employee_no": "X1"})  # employee numbers are not correctable
    with pytest.raises(ValidationError) as exc:
        ask(world, reason=" ")
    assert exc.value.message_dict == {"reason": ["请说明更正理由"]}
    assert not CorrectionRequest.objects.exists()


def test_one_request_at_a_time(world):
    ask(world)
    with pytest.raises(ValidationError, match="正在审核中"):
        ask(world)


def test_bad_values_are_refused_when_asking(world):
    with pytest.raises(ValidationError, match="格式应为 YYYY-MM-DD"):
        ask(world, {"joined_on": "2015-13-01"})
    with pytest.raises(ValidationError, match="学历"):
        ask(world, {"education": "博士后"})
    assert not CorrectionRequest.objects.exists()


def test_education_may_be_given_by_its_label(world, secretary):
    request = ask(world, {"education": "大学本科"})
    assert request.changes == {"education": "bachelor"}
    services.review_correction(secretary, request, approve=True)
    services.review_correction(world.owner, request, approve=True)
    assert Person.objects.get(pk=world.zhang.pk).education == "bachelor"


def test_the_full_workflow_applies_the_change(world, secretary):
    request = ask(world, {"phone": "13911112222", "joined_on": "2015-06-01"})
    assert request.status == "submitted"
    assert AuditLog.objects.filter(action="correction.request", actor=world.member).exists()

    with pytest.raises(PermissionDenied):  # the 党委 re-checks only after the branch
        services.review_correction(world.reader, request, approve=True)
    services.review_correction(secretary, request, approve=True, note="属实")
    request.refresh_from_db()
    assert (request.status, request.checked_by) == ("branch_checked", secretary)
    assert Person.objects.get(pk=world.zhang.pk).phone == "13800000001"  # not yet applied

    with pytest.raises(PermissionDenied, match="无权复核"):
        services.review_correction(secretary, request, approve=True)
    services.review_correction(world.owner, request, approve=True)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", world.owner)
    zhang = Person.objects.get(pk=world.zhang.pk)
    assert zhang.phone == "13911112222"
    assert PartyProfile.objects.get(person=zhang).joined_on == datetime.date(2015, 6, 1)
    change = AuditLog.objects.get(action="person.update", object_id=str(zhang.pk))
    assert change.after == {"phone": "139****2222"}
    assert change.actor == world.owner  # the trail names who applied the correction
    assert AuditLog.objects.filter(action="correction.review").count() == 2

    with pytest.raises(ValidationError, match="已办结"):
        services.review_correction(world.owner, request, approve=True)


def test_outsiders_and_readers_cannot_check(world):
    request = ask(world)
    for actor in (world.outsider, world.reader, world.member, world.auditor):
        with pytest.raises(PermissionDenied):
            services.review_correction(actor, request, approve=True)
    request.refresh_from_db()
    assert request.status == "submitted"


@pytest.mark.parametrize("stage", ["branch", "committee"])
def test_sending_back_needs_a_reason(world, secretary, stage):
    request = ask(world)
    if stage == "committee":
        services.review_correction(secretary, request, approve=True)
    reviewer = secretary if stage == "branch" else world.owner
    status = "submitted" if stage == "branch" else "branch_checked"
    with pytest.raises(ValidationError) as exc:
        services.review_correction(reviewer, request, approve=False, note=" ")
    assert exc.value.message_dict == {"decision_note": ["退回时请填写理由"]}
    request.refresh_from_db()
    assert request.status == status
    services.review_correction(reviewer, request, approve=False, note="与档案不符")
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("rejected", "与档案不符")
    assert Person.objects.get(pk=world.zhang.pk).phone == "13800000001"
    ask(world)  # a new request may follow a rejected one


def test_an_approved_change_that_breaks_a_rule_is_refused_and_nothing_changes(world, secretary):
    request = ask(world, {"full_member_on": "2014-01-01"})  # before joining (2015-07-01)
    services.review_correction(secretary, request, approve=True)
    with pytest.raises(ValidationError):
        services.review_correction(world.owner, request, approve=True)
    request.refresh_from_db()
    assert request.status == "branch_checked"
    assert PartyProfile.objects.get(person=world.zhang).full_member_on == datetime.date(2016, 7, 1)
