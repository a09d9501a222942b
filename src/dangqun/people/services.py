"""Every change to people and party membership: one function each, checked, audited, transactional."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangqun.accounts.roles import (
    APPROVE_CORRECTIONS,
    CHANGE_PEOPLE,
    CHECK_CORRECTIONS,
    REVEAL_ID,
    VIEW_PEOPLE,
)
from dangqun.accounts.scope import Scope, get_in_scope, require
from dangqun.core import audit, crypto, idnumber
from dangqun.core.pinyin import search_key
from dangqun.orgs.models import BRANCH_KINDS, Kind, Org, System
from dangqun.people.models import (
    PARTY_STATUSES,
    CorrectionRequest,
    Education,
    LeftReason,
    MemberEvent,
    PartyProfile,
    Person,
    PoliticalStatus,
    Standing,
)

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


def _actor_name(actor) -> str:
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "系统"


def _can_change_person(actor, person: Person) -> bool:
    if actor is None:
        return True
    scope = Scope.of(actor)
    return scope.people(CHANGE_PEOPLE).filter(pk=person.pk).exists()


def _can_place_in(actor, org: Org | None) -> bool:
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


def _apply_person(person: Person, data: dict[str, Any]) -> None:
    for field in PERSON_FIELDS:
        key = field.removesuffix("_id")
        if key in data:
            setattr(person, key, data[key])
    if data.get("id_number"):
        parsed = idnumber.parse(data["id_number"])
        person.set_id_number(parsed.value)
        person.birth_date = parsed.birth_date
        person.gender = parsed.gender
    person.name = person.name.strip()
    person.employee_no = person.employee_no.strip()
    person.name_pinyin = search_key(person.name)


def _raise_unique(exc: IntegrityError) -> None:
    text = str(exc).lower()
    if "id_number_hash" in text:
        raise ValidationError({"id_number": "该公民身份号码已登记在其他人员名下"}) from exc
    if "employee_no" in text:
        raise ValidationError({"employee_no": "该工号已被使用"}) from exc
    raise exc


def _birth_date(data: dict[str, Any], errors: dict[str, str]) -> datetime.date | None:
    """The birth date given, else the one in a valid ID number."""
    if data.get("birth_date") or not data.get("id_number") or "id_number" in errors:
        return data.get("birth_date")
    return idnumber.parse(data["id_number"]).birth_date


@transaction.atomic
def create_person(actor, data: dict[str, Any], profile: dict[str, Any] | None = None) -> Person:
    """Register a person (and their party profile when they are a member)."""
    errors = check_person_data(data)
    if profile is not None:
        errors.update(check_profile_data(profile, birth_date=_birth_date(data, errors)))
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        require(_can_place_in(actor, data["unit"]), "您无权在该单位登记人员")
        if profile is not None:
            require(_can_place_in(actor, profile["branch"]), "您无权把党员编入该党组织")
    person = Person()
    _apply_person(person, data)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        _raise_unique(exc)
    if profile is not None:
        _save_profile(actor, person, profile, created=True)
    audit.record(actor, "person.create", person, after=audit.snapshot(person, PERSON_FIELDS))
    return person


@transaction.atomic
def update_person(actor, person: Person, data: dict[str, Any]) -> Person:
    """Change a person's fields. Unchanged values write no audit row."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if actor is not None:
        require(_can_change_person(actor, person), "您无权修改该人员信息")
        if "unit" in data and data["unit"] != person.unit:
            require(_can_place_in(actor, data["unit"]), "您无权把人员调入该单位")
    merged = {f.removesuffix("_id"): getattr(person, f.removesuffix("_id")) for f in PERSON_FIELDS}
    if data.get("id_number"):  # a new number brings its own birth date and gender
        merged.pop("birth_date")
        merged.pop("gender")
    merged.update(data)
    merged.pop("id_number", None)
    if data.get("id_number"):
        merged["id_number"] = data["id_number"]
    elif person.id_number_encrypted and ({"birth_date", "gender"} & data.keys()):
        # the stored number still decides the birth date and gender
        merged["id_number"] = crypto.decrypt(person.id_number_encrypted)
    errors = check_person_data(merged, instance=person)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(person, [*PERSON_FIELDS, "id_number_hash"])
    _apply_person(person, data)
    after = audit.snapshot(person, [*PERSON_FIELDS, "id_number_hash"])
    before, after = audit.diff(before, after)
    if not after:
        return person
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        _raise_unique(exc)
    if "id_number_hash" in after:  # never put the number itself, or its hash, in the log
        before["id_number_hash"] = after["id_number_hash"] = "（已变更）"
    audit.record(actor, "person.update", person, before=before, after=after)
    return person


def _copy_profile(person: Person, profile: PartyProfile) -> None:
    """Keep the copy of the member's branch and standing on Person equal to the profile's."""
    changed = person.copy_party_profile(profile)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])


def _save_profile(actor, person: Person, data: dict[str, Any], *, created: bool) -> PartyProfile:
    profile = PartyProfile(person=person)
    for field in PROFILE_FIELDS:
        key = field.removesuffix("_id")
        if key in data:
            setattr(profile, key, data[key])
    profile.save()
    _copy_profile(person, profile)
    status = (
        PoliticalStatus.PARTY_MEMBER if profile.is_full_member() else PoliticalStatus.PROBATIONARY
    )
    if person.political_status != status:
        person.political_status = status
        person.save(update_fields=["political_status", "updated_at"])
    MemberEvent.objects.create(
        person=person,
        type=MemberEvent.Type.JOINED,
        on=profile.joined_on,
        to_branch=profile.branch,
        note="建档" if created else "",
        actor_name=_actor_name(actor),
    )
    if profile.full_member_on:
        MemberEvent.objects.create(
            person=person,
            type=MemberEvent.Type.CONFIRMED,
            on=profile.full_member_on,
            to_branch=profile.branch,
            actor_name=_actor_name(actor),
        )
    audit.record(actor, "party_profile.create", profile, after=audit.snapshot(profile))
    return profile


@transaction.atomic
def set_party_profile(actor, person: Person, data: dict[str, Any]) -> PartyProfile:
    """Create or change a member's party profile (dates, branch, category, flags)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if actor is not None:
        require(_can_change_person(actor, person), "您无权修改该人员信息")
        if data.get("branch") is not None:
            require(_can_place_in(actor, data["branch"]), "您无权把党员编入该党组织")
    existing = PartyProfile.objects.filter(person=person).first()
    if existing is None:
        errors = check_profile_data(data, birth_date=person.birth_date)
        if errors:
            raise ValidationError(errors)
        return _save_profile(actor, person, data, created=True)
    merged = {
        f.removesuffix("_id"): getattr(existing, f.removesuffix("_id")) for f in PROFILE_FIELDS
    }
    merged.update(data)
    errors = check_profile_data(merged, birth_date=person.birth_date)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(existing, PROFILE_FIELDS)
    for field in PROFILE_FIELDS:
        key = field.removesuffix("_id")
        if key in data:
            setattr(existing, key, data[key])
    before, after = audit.diff(before, audit.snapshot(existing, PROFILE_FIELDS))
    if not after:
        return existing
    existing.save()
    _copy_profile(person, existing)
    if "branch_id" in after and existing.is_current:
        MemberEvent.objects.create(
            person=person,
            type=MemberEvent.Type.INTERNAL_MOVE,
            on=timezone.localdate(),
            from_branch_id=before["branch_id"],
            to_branch=existing.branch,
            actor_name=_actor_name(actor),
        )
    if after.get("full_member_on") and not before.get("full_member_on") and existing.is_current:
        MemberEvent.objects.create(
            person=person,
            type=MemberEvent.Type.CONFIRMED,
            on=existing.full_member_on,
            to_branch=existing.branch,
            actor_name=_actor_name(actor),
        )
    _sync_political_status(existing)
    audit.record(actor, "party_profile.update", existing, before=before, after=after)
    return existing


def _sync_political_status(profile: PartyProfile) -> None:
    person = profile.person
    if not profile.is_current:
        return
    status = (
        PoliticalStatus.PARTY_MEMBER if profile.is_full_member() else PoliticalStatus.PROBATIONARY
    )
    if person.political_status != status:
        person.political_status = status
        person.save(update_fields=["political_status", "updated_at"])


def _check_sequence(profile: PartyProfile, event_type: str, to_branch: Org | None) -> None:
    """Refuse events that cannot follow the member's present state."""
    Type = MemberEvent.Type
    ended = {LeftReason.DECEASED: "该党员已去世", LeftReason.EXPELLED: "该党员已出党"}
    if event_type == Type.TRANSFER_IN and profile.left_reason in ended:
        raise ValidationError(f"{ended[profile.left_reason]}，不能办理转入")
    if event_type == Type.INTERNAL_MOVE and profile.is_current and to_branch == profile.branch:
        raise ValidationError({"to_branch": "该党员已在该党支部"})
    if event_type in (Type.SUSPENDED, Type.LOST_CONTACT) and not profile.is_current:
        raise ValidationError("该党员已离开本单位党组织")
    if event_type == Type.SUSPENDED and profile.standing == Standing.SUSPENDED:
        raise ValidationError("该党员已停止党籍")
    if event_type == Type.RESTORED and profile.standing != Standing.SUSPENDED:
        raise ValidationError("该党员未被停止党籍，无需恢复")
    if event_type == Type.LOST_CONTACT and profile.lost_contact_on is not None:
        raise ValidationError("该党员已登记为失联")
    if event_type == Type.CONTACT_RESTORED and profile.lost_contact_on is None:
        raise ValidationError("该党员未登记为失联")


@transaction.atomic
def record_member_event(
    actor,
    person: Person,
    event_type: str,
    *,
    on: datetime.date,
    to_branch: Org | None = None,
    counterpart: str = "",
    note: str = "",
) -> MemberEvent:
    """Transfers (转入/转出/内部调动), 出党, death, 停止/恢复党籍, 失联: dated events.

    The member is never deleted; the profile records where they are now and the event keeps the past.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if actor is not None:
        require(_can_change_person(actor, person), "您无权办理该党员的组织关系")
    profile = PartyProfile.objects.select_for_update().filter(person=person).first()
    if profile is None:
        raise ValidationError("该人员没有党员信息")
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    if on < profile.joined_on:
        raise ValidationError({"on": f"日期不能早于加入党组织日期 {profile.joined_on}"})
    Type = MemberEvent.Type
    _check_sequence(profile, event_type, to_branch)
    before = audit.snapshot(profile, [*PROFILE_FIELDS, "left_on", "left_reason"])
    from_branch = profile.branch
    if event_type in (Type.TRANSFER_IN, Type.INTERNAL_MOVE):
        if to_branch is None or to_branch.kind not in (*BRANCH_KINDS, Kind.GENERAL_BRANCH):
            raise ValidationError({"to_branch": "请选择转入的党支部"})
        if actor is not None:
            require(_can_place_in(actor, to_branch), "您无权把党员编入该党组织")
        if event_type == Type.INTERNAL_MOVE and not profile.is_current:
            raise ValidationError("该党员已不在本单位，请办理转入")
        if event_type == Type.TRANSFER_IN and profile.is_current:
            raise ValidationError("该党员组织关系仍在本单位，请办理内部调动")
        profile.branch = to_branch
        profile.left_on = None
        profile.left_reason = ""
    elif event_type in (Type.TRANSFER_OUT, Type.EXPELLED, Type.DECEASED):
        if not profile.is_current:
            raise ValidationError("该党员已离开本单位党组织")
        if event_type == Type.TRANSFER_OUT and not counterpart.strip():
            raise ValidationError({"counterpart": "请填写转往的党组织"})
        profile.left_on = on
        profile.left_reason = {
            Type.TRANSFER_OUT: LeftReason.TRANSFERRED_OUT,
            Type.EXPELLED: LeftReason.EXPELLED,
            Type.DECEASED: LeftReason.DECEASED,
        }[event_type]
    elif event_type == Type.SUSPENDED:
        profile.standing = Standing.SUSPENDED
    elif event_type == Type.RESTORED:
        profile.standing = Standing.NORMAL
    elif event_type == Type.LOST_CONTACT:
        profile.lost_contact_on = on
    elif event_type == Type.CONTACT_RESTORED:
        profile.lost_contact_on = None
    else:
        raise ValidationError({"type": "不支持的事件类型"})
    profile.save()
    _copy_profile(person, profile)
    if event_type == Type.EXPELLED:
        person.political_status = PoliticalStatus.MASSES
        person.save(update_fields=["political_status", "updated_at"])
    elif event_type in (Type.TRANSFER_IN, Type.INTERNAL_MOVE):
        _sync_political_status(profile)
    event = MemberEvent.objects.create(
        person=person,
        type=event_type,
        on=on,
        from_branch=from_branch if event_type != Type.TRANSFER_IN else None,
        to_branch=to_branch,
        counterpart=counterpart.strip(),
        note=note.strip(),
        actor_name=_actor_name(actor),
    )
    after = audit.snapshot(profile, [*PROFILE_FIELDS, "left_on", "left_reason"])
    before, after = audit.diff(before, after)
    audit.record(actor, f"member.{event_type}", person, before=before, after=after)
    return event


# 发展党员 ------------------------------------------------------------------------------------
# Called by ``development.services`` inside its transaction, after it checked that the actor may
# approve (管理发展党员的审批权 is the authority here, not 修改人员信息); each writes its event and
# audit row with the actor's name.
def admit_probationary(actor, person: Person, branch: Org, joined_on: datetime.date):
    """The person becomes a 预备党员 of ``branch`` from ``joined_on`` (the 支部大会). A former
    member starts a new membership: the old dates live on in the member's events."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    profile = PartyProfile.objects.select_for_update().filter(person=person).first()
    if profile is not None and profile.is_current:
        raise ValidationError(f"{person.name}已是党员")
    errors = check_profile_data(
        {"branch": branch, "joined_on": joined_on}, birth_date=person.birth_date
    )
    if errors:
        raise ValidationError(list(errors.values()))
    before = audit.snapshot(profile, [*PROFILE_FIELDS, "left_on"]) if profile else None
    profile = profile or PartyProfile(person=person)
    profile.branch, profile.joined_on, profile.full_member_on = branch, joined_on, None
    profile.left_on, profile.left_reason, profile.standing = None, "", Standing.NORMAL
    profile.lost_contact_on, profile.floating_to = None, ""
    profile.save()
    _copy_profile(person, profile)
    _sync_political_status(profile)
    MemberEvent.objects.create(
        person=person,
        type=MemberEvent.Type.JOINED,
        on=joined_on,
        to_branch=branch,
        note="支部大会通过，上级党委批准接收为预备党员",
        actor_name=_actor_name(actor),
    )
    audit.record(
        actor,
        "party_profile.admit",
        profile,
        before=before,
        after=audit.snapshot(profile, [*PROFILE_FIELDS, "left_on"]),
    )
    return profile


def confirm_full_member(actor, person: Person, on: datetime.date):
    """The 预备党员 becomes a full member from ``on`` (the end of probation)."""
    profile = PartyProfile.objects.select_for_update().get(person=person)
    if not profile.is_current or profile.full_member_on is not None:
        raise ValidationError(f"{person.name}不是在册的预备党员")
    if on <= profile.joined_on:
        raise ValidationError("转为正式党员日期应晚于加入党组织日期")
    profile.full_member_on = on
    profile.save(update_fields=["full_member_on"])
    _sync_political_status(profile)
    MemberEvent.objects.create(
        person=person,
        type=MemberEvent.Type.CONFIRMED,
        on=on,
        to_branch=profile.branch,
        actor_name=_actor_name(actor),
    )
    audit.record(actor, "party_profile.confirm", profile, after={"full_member_on": on})
    return profile


def cancel_probation(actor, person: Person, on: datetime.date, reason: str):
    """The 预备党员资格 is cancelled (转正 refused, or the case ended during probation): the
    person leaves the roll and is 群众 again; the membership stays in the history."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    profile = PartyProfile.objects.select_for_update().get(person=person)
    if not profile.is_current or profile.full_member_on is not None:
        raise ValidationError(f"{person.name}不是在册的预备党员")
    profile.left_on, profile.left_reason = on, LeftReason.PROBATION_CANCELLED
    profile.save(update_fields=["left_on", "left_reason"])
    _copy_profile(person, profile)
    person.political_status = PoliticalStatus.MASSES
    person.save(update_fields=["political_status", "updated_at"])
    MemberEvent.objects.create(
        person=person,
        type=MemberEvent.Type.PROBATION_CANCELLED,
        on=on,
        from_branch=profile.branch,
        note=reason[:500],
        actor_name=_actor_name(actor),
    )
    audit.record(
        actor, "party_profile.cancel_probation", profile, after={"on": on, "reason": reason}
    )
    return profile


@transaction.atomic
def reveal_id_number(actor, person: Person) -> str:
    """The full ID number, for those allowed to see it; every reveal is audited."""
    scope = Scope.of(actor)
    allowed = scope.people(REVEAL_ID).filter(pk=person.pk).exists() or scope.is_self(person)
    require(allowed, "您无权查看完整的公民身份号码")
    audit.record(actor, "person.reveal_id_number", person)
    return person.reveal_id_number()


def find_by_id_number(value: str, queryset=None):
    """Match a person by ID number through its keyed hash (the number itself is encrypted)."""
    queryset = Person.objects.all() if queryset is None else queryset
    return queryset.filter(id_number_hash=crypto.keyed_hash(idnumber.normalise(value))).first()


# Corrections: the member asks, the branch checks, the 基层党委 re-checks (domain-rules §6).


@transaction.atomic
def request_correction(actor, person: Person, changes: dict[str, str], reason: str):
    require(Scope.of(actor).is_self(person), "只能申请更正本人信息")
    changes = {k: str(v).strip() for k, v in changes.items() if k in CORRECTABLE_FIELDS}
    changes = {k: _clean_change(k, v) for k, v in changes.items() if v}
    if not changes:
        raise ValidationError("请至少填写一项需要更正的内容")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明更正理由"})
    if person.corrections.filter(
        status__in=[CorrectionRequest.Status.SUBMITTED, CorrectionRequest.Status.BRANCH_CHECKED]
    ).exists():
        raise ValidationError("您已有一项更正申请正在审核中")
    request = CorrectionRequest.objects.create(
        person=person, requested_by=actor, changes=changes, reason=reason.strip()
    )
    audit.record(actor, "correction.request", request, after=changes)
    return request


def _parse_change(field: str, value: str):
    if field in ("joined_on", "full_member_on"):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{CORRECTABLE_FIELDS[field]}格式应为 YYYY-MM-DD") from None
    return value


def _clean_change(field: str, value: str) -> str:
    """Check a requested value when it is asked for, not only when it is applied."""
    if field == "education":
        by_label = {label: code for code, label in Education.choices}
        if value not in Education.values and value not in by_label:
            raise ValidationError({field: "学历应为：" + "、".join(Education.labels)})
        return by_label.get(value, value)
    _parse_change(field, value)
    return value


@transaction.atomic
def review_correction(actor, request: CorrectionRequest, *, approve: bool, note: str = ""):
    """Branch check first, then the 党委 re-check applies the change; either may send it back."""
    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    scope = Scope.of(actor)
    Status = CorrectionRequest.Status
    if request.status == Status.SUBMITTED:
        require(
            scope.people(CHECK_CORRECTIONS).filter(pk=request.person_id).exists(),
            "您无权审核该更正申请",
        )
        request.checked_by = actor
        request.status = Status.BRANCH_CHECKED if approve else Status.REJECTED
    elif request.status == Status.BRANCH_CHECKED:
        require(
            scope.people(APPROVE_CORRECTIONS).filter(pk=request.person_id).exists(),
            "您无权复核该更正申请",
        )
        request.decided_by = actor
        request.status = Status.APPROVED if approve else Status.REJECTED
    else:
        raise ValidationError("该申请已办结")
    if not approve and not note.strip():
        raise ValidationError({"decision_note": "退回时请填写理由"})
    request.decision_note = note.strip()
    request.save()
    if request.status == Status.APPROVED:
        person_changes = {}
        profile_changes = {}
        for field, value in request.changes.items():
            target = profile_changes if field in ("joined_on", "full_member_on") else person_changes
            target[field] = _parse_change(field, value)
        if person_changes:
            update_person(actor, request.person, person_changes)
        if profile_changes:
            set_party_profile(actor, request.person, profile_changes)
    audit.record(
        actor, "correction.review", request, after={"status": request.status, "note": note}
    )
    return request


def visible_to(user, capability: str = VIEW_PEOPLE) -> QuerySet:
    """The people this user may see (or act on with ``capability``): those in the sub-trees their
    grants cover, and their own record."""
    return Scope.of(user).people(capability)


def require_visible(user, pk: int) -> Person:
    """One person this user may see, with what the detail page shows beside them; or 404."""
    queryset = visible_to(user).select_related(
        "unit", "union_org", "league_org", "party_profile__branch"
    )
    return get_in_scope(queryset, pk=pk)


def require_changeable(user, pk: int) -> Person:
    """One person this user may change: outside their sight 404, seen but read-only 403."""
    person = require_visible(user, pk)
    require(visible_to(user, CHANGE_PEOPLE).filter(pk=pk).exists(), "您无权修改该人员信息")
    return person


__all__ = [
    "PARTY_STATUSES",
    "create_person",
    "record_member_event",
    "reveal_id_number",
    "set_party_profile",
    "update_person",
]
