"""Volunteers register themselves, with consent (an employee opts in and may withdraw; the record
of what they did stays), and 志愿服务队 under any organisation gather them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.activities import services
from dangqun.activities.models import TeamMember, Volunteer, VolunteerTeam
from dangqun.core import audit

PROFILE = ("skills", "availability", "emergency_name", "emergency_phone")


@transaction.atomic
def register(user, data: dict) -> Volunteer:
    """The user's person registers as a volunteer (or updates their details); ``consent`` must
    be given: the details are kept to organise service and to certify it."""
    person = services.person_of(user)
    if not data.get("consent"):
        raise ValidationError({"consent": "请阅读并同意志愿者信息的使用说明"})
    volunteer = Volunteer.objects.select_for_update().filter(person=person).first()
    created = volunteer is None
    if created:
        volunteer = Volunteer(person=person)
    for name in PROFILE:
        setattr(volunteer, name, (data.get(name) or "").strip()[:200])
    if volunteer.withdrawn_at is not None or created:
        volunteer.consented_at, volunteer.withdrawn_at = timezone.now(), None
    volunteer.save()
    if created:
        audit.record(user, "volunteer.register", volunteer)
    else:
        audit.record(user, "volunteer.update", volunteer)
    return volunteer


@transaction.atomic
def withdraw(user) -> Volunteer:
    person = services.person_of(user)
    volunteer = Volunteer.objects.select_for_update().filter(person=person).first()
    if volunteer is None or volunteer.withdrawn_at is not None:
        raise ValidationError("您尚未注册为志愿者")
    volunteer.withdrawn_at = timezone.now()
    volunteer.save(update_fields=["withdrawn_at"])
    TeamMember.objects.filter(person=person, left_on__isnull=True).update(
        left_on=timezone.localdate()
    )
    audit.record(user, "volunteer.withdraw", volunteer)
    return volunteer


def is_volunteer(person) -> bool:
    return Volunteer.objects.filter(person=person, withdrawn_at__isnull=True).exists()


@transaction.atomic
def create_team(user, data: dict) -> VolunteerTeam:
    org = data.get("org")
    require(
        org is not None and services.can_organise_for(user, org), "您无权在该组织下建立志愿服务队"
    )
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "请填写队名"})
    if VolunteerTeam.objects.filter(org=org, name=name).exists():
        raise ValidationError({"name": "该组织下已有同名的志愿服务队"})
    team = VolunteerTeam.objects.create(
        org=org,
        name=name[:50],
        leader=data.get("leader"),
        description=(data.get("description") or "").strip(),
    )
    audit.record(user, "volunteer.team_create", team, after={"org": org.name})
    return team


@transaction.atomic
def join_team(user, team: VolunteerTeam) -> TeamMember:
    """A registered volunteer joins a team (joining twice changes nothing)."""
    person = services.person_of(user)
    if not is_volunteer(person):
        raise ValidationError("请先注册为志愿者")
    if not team.active:
        raise ValidationError("该志愿服务队已停止服务")
    member = TeamMember.objects.filter(team=team, person=person, left_on__isnull=True).first()
    if member is None:
        member = TeamMember.objects.create(team=team, person=person)
        audit.record(user, "volunteer.team_join", team, after={"person": person.pk})
    return member


@transaction.atomic
def leave_team(user, team: VolunteerTeam) -> None:
    person = services.person_of(user)
    left = TeamMember.objects.filter(team=team, person=person, left_on__isnull=True).update(
        left_on=timezone.localdate()
    )
    if not left:
        raise ValidationError("您不在该志愿服务队")
    audit.record(user, "volunteer.team_leave", team, after={"person": person.pk})
