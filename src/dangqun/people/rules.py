"""The rules every change to people shares: which fields a service writes, the checks on a
person's and a party profile's data (forms, imports and the API run the same ones), and who may
change or place whom."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from dangqun.accounts.roles import CHANGE_PEOPLE, REVEAL_ID
from dangqun.accounts.scope import Scope
from dangqun.core import idnumber
from dangqun.orgs.models import BRANCH_KINDS, Kind, Org, System
from dangqun.people.models import Person

PERSON_FIELDS = [
    "employee_no",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "unit_id",
    "job_post",
    "phone",
    "address",
    "political_status",
    "union_org_id",
    "league_org_id",
    "employment_status",
]
PROFILE_FIELDS = [
    "branch_id",
    "joined_on",
    "full_member_on",
    "category",
    "standing",
    "lost_contact_on",
    "floating_to",
]
# Fields a member may ask to correct on their own record.
CORRECTABLE_FIELDS = {
    "name": "姓名",
    "ethnicity": "民族",
    "education": "学历",
    "job_post": "工作岗位",
    "phone": "联系电话",
    "address": "家庭住址",
    "joined_on": "加入党组织日期",
    "full_member_on": "转为正式党员日期",
}
PHONE_PATTERN = re.compile(r"^[0-9+\-() ]{5,30}$")


def actor_name(actor) -> str:
    """The name written on events: the account's, or 系统 for trusted callers."""
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "系统"


def can_change_person(actor, person: Person) -> bool:
    """May the actor change this person (no actor: a trusted caller, always)?"""
    if actor is None:
        return True
    scope = Scope.of(actor)
    return scope.people(CHANGE_PEOPLE).filter(pk=person.pk).exists()


def can_reveal_id(actor, person: Person) -> bool:
    """May the actor see this person's full ID number (their own, or with 查看身份证号 rights)?"""
    scope = Scope.of(actor)
    return scope.is_self(person) or scope.people(REVEAL_ID).filter(pk=person.pk).exists()


def can_reveal_phone(actor, person: Person) -> bool:
    """May the actor see this person's full phone number: their own, those who keep the record
    (the edit form holds it), or 查看身份证号 rights."""
    return can_reveal_id(actor, person) or can_change_person(actor, person)


def can_place_in(actor, org: Org | None) -> bool:
    """May the actor put someone into this unit or branch?"""
    if actor is None or org is None:
        return True
    return Scope.of(actor).can(CHANGE_PEOPLE, org)


def check_person_data(data: dict[str, Any], *, instance: Person | None = None) -> dict[str, str]:
    """Validate person fields together; returns {field: Chinese message} (empty when valid).

    Shared by forms, imports and the API so that a rule is written once.
    """
    errors: dict[str, str] = {}
    if not (data.get("employee_no") or "").strip():
        errors["employee_no"] = "请填写工号"
    if not (data.get("name") or "").strip():
        errors["name"] = "请填写姓名"
    if data.get("unit") is None:
        errors["unit"] = "请选择所在单位"
    elif data["unit"].system != System.ENTERPRISE:
        errors["unit"] = "所在单位必须是行政组织"
    raw_id = data.get("id_number") or ""
    if raw_id:
        try:
            parsed = idnumber.parse(raw_id)
        except idnumber.IdNumberError as exc:
            errors["id_number"] = str(exc)
        else:
            if data.get("birth_date") and data["birth_date"] != parsed.birth_date:
                errors["birth_date"] = (
                    f"出生日期 {data['birth_date']} 与公民身份号码中的 {parsed.birth_date} 不一致"
                )
            if data.get("gender") and data["gender"] != parsed.gender:
                errors["gender"] = "性别与公民身份号码第 17 位不一致"
    if not data.get("gender") and not raw_id:
        errors["gender"] = "请选择性别"
    phone = (data.get("phone") or "").strip()
    if phone and not PHONE_PATTERN.match(phone):
        errors["phone"] = "联系电话格式不正确"
    if data.get("birth_date") and data["birth_date"] > timezone.localdate():
        errors["birth_date"] = "出生日期不能晚于今天"
    for key, label in (("union_org", System.UNION), ("league_org", System.LEAGUE)):
        org = data.get(key)
        if org is not None and org.system != label:
            errors[key] = f"{'工会' if label == System.UNION else '团'}组织选择不正确"
    return errors


def check_profile_data(data: dict[str, Any], *, birth_date=None) -> dict[str, str]:
    """Validate the party profile fields (dates in order, a real branch)."""
    errors: dict[str, str] = {}
    branch = data.get("branch")
    if branch is None:
        errors["branch"] = "请选择所在党支部"
    elif branch.kind not in (*BRANCH_KINDS, Kind.GENERAL_BRANCH, Kind.PARTY_COMMITTEE):
        errors["branch"] = "所在党支部必须是党支部、党总支或党委"
    joined = data.get("joined_on")
    full = data.get("full_member_on")
    today = timezone.localdate()
    if joined is None:
        errors["joined_on"] = "请填写加入党组织日期"
    elif joined > today:
        errors["joined_on"] = "加入党组织日期不能晚于今天"
    elif birth_date and (joined - birth_date).days < 18 * 365:
        errors["joined_on"] = "加入党组织时未满 18 周岁（《中国共产党章程》第一条）"
    if full is not None:
        if joined is not None and full <= joined:
            errors["full_member_on"] = "转为正式党员日期应晚于加入党组织日期"
        if full > today:
            errors["full_member_on"] = "转为正式党员日期不能晚于今天"
    if data.get("lost_contact_on") and data["lost_contact_on"] > today:
        errors["lost_contact_on"] = "失去联系日期不能晚于今天"
    return errors
