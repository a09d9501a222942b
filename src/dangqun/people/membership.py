"""Party membership: the party profile and the dated member events (transfers, 出党, 停止/恢复党籍,
失联), and the steps 发展党员 takes (admit a 预备党员, confirm, cancel probation). Each change writes
its event and audit row."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.core import audit
from dangqun.orgs.models import BRANCH_KINDS, Kind, Org
from dangqun.people.models import (
    LeftReason,
    MemberEvent,
    PartyProfile,
    Person,
    PoliticalStatus,
    Standing,
)
from dangqun.people.rules import (
    PROFILE_FIELDS,
    actor_name,
    can_change_person,
    can_place_in,
    check_profile_data,
)

# Called with the ids of people whose party membership changed (joined, left, moved branch,
# dates), inside the change's transaction: what follows in other apps (学习培训's requirement
# registers itself; people does not know who listens).
after_members_changed: list[Callable[[list[int]], None]] = []


def members_changed(person_ids: list[int]) -> None:
    for hook in after_members_changed:
        hook(person_ids)


def _copy_profile(person: Person, profile: PartyProfile) -> None:
    """Keep the copy of the member's branch and standing on Person equal to the profile's."""
    changed = person.copy_party_profile(profile)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    members_changed([person.pk])


def save_profile(actor, person: Person, data: dict[str, Any], *, created: bool) -> PartyProfile:
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
        actor_name=actor_name(actor),
    )
    if profile.full_member_on:
        MemberEvent.objects.create(
            person=person,
            type=MemberEvent.Type.CONFIRMED,
            on=profile.full_member_on,
            to_branch=profile.branch,
            actor_name=actor_name(actor),
        )
    audit.record(actor, "party_profile.create", profile, after=audit.snapshot(profile))
    return profile


@transaction.atomic
def set_party_profile(actor, person: Person, data: dict[str, Any]) -> PartyProfile:
    """Create or change a member's party profile (dates, branch, category, flags)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if actor is not None:
        require(can_change_person(actor, person), "您无权修改该人员信息")
        if data.get("branch") is not None:
            require(can_place_in(actor, data["branch"]), "您无权把党员编入该党组织")
    existing = PartyProfile.objects.filter(person=person).first()
    if existing is None:
        errors = check_profile_data(data, birth_date=person.birth_date)
        if errors:
            raise ValidationError(errors)
        return save_profile(actor, person, data, created=True)
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
            actor_name=actor_name(actor),
        )
    if after.get("full_member_on") and not before.get("full_member_on") and existing.is_current:
        MemberEvent.objects.create(
            person=person,
            type=MemberEvent.Type.CONFIRMED,
            on=existing.full_member_on,
            to_branch=existing.branch,
            actor_name=actor_name(actor),
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
        require(can_change_person(actor, person), "您无权办理该党员的组织关系")
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
    _change_profile_for(
        actor, profile, event_type, on=on, to_branch=to_branch, counterpart=counterpart
    )
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
        actor_name=actor_name(actor),
    )
    after = audit.snapshot(profile, [*PROFILE_FIELDS, "left_on", "left_reason"])
    before, after = audit.diff(before, after)
    audit.record(actor, f"member.{event_type}", person, before=before, after=after)
    return event


def _change_profile_for(
    actor, profile: PartyProfile, event_type: str, *, on, to_branch: Org | None, counterpart: str
) -> None:
    """Set the profile to what the event makes of it (branch, departure, standing, contact);
    refuse what the event cannot do from here."""
    Type = MemberEvent.Type
    if event_type in (Type.TRANSFER_IN, Type.INTERNAL_MOVE):
        if to_branch is None or to_branch.kind not in (*BRANCH_KINDS, Kind.GENERAL_BRANCH):
            raise ValidationError({"to_branch": "请选择转入的党支部"})
        if actor is not None:
            require(can_place_in(actor, to_branch), "您无权把党员编入该党组织")
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
        actor_name=actor_name(actor),
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
        actor_name=actor_name(actor),
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
        actor_name=actor_name(actor),
    )
    audit.record(
        actor, "party_profile.cancel_probation", profile, after={"on": on, "reason": reason}
    )
    return profile
