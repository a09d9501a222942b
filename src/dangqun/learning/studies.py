"""A member's study materials (issue #17 §2): 我的学习资料 (published materials whose audience holds
them, due soonest first, by theme), opening one (the first time is kept; nothing counts time),
and 一键"已学" with an optional note (心得体会) that only the material's organisers and the
member's own branch read. No online-time counters, no streaks, no ranking (rule
``activities.no_ranking``): the organiser sees counts and rates of reach, never a league table."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_LEARNING, ROLES
from dangqun.accounts.scope import Scope
from dangqun.core import audit
from dangqun.learning import ledger, materials, services
from dangqun.learning.material_models import NOTE_MAX, Material, MaterialStatus, Study
from dangqun.learning.models import Source
from dangqun.people import audience

NOT_ASSIGNED = "这份资料不在您的学习任务中"


def mine(user, tag: str = "") -> QuerySet:
    """我的学习资料: due soonest first (no due date last), then newest; with the person's study."""
    person = services.person_of(user)
    rows = materials.assigned_to(user)
    if tag:
        rows = rows.filter(tags__name=tag)
    studied = Study.objects.filter(material=OuterRef("pk"), person=person)
    return (
        rows.annotate(
            confirmed=Exists(studied.filter(confirmed_at__isnull=False)),
            opened=Exists(studied.filter(opened_at__isnull=False)),
        )
        .select_related("org")
        .prefetch_related("tags")
        .order_by(F("due_on").asc(nulls_last=True), "-published_at", "-id")
    )


def study_of(user, material: Material) -> Study | None:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    return Study.objects.filter(material=material, person_id=person_id).first()


def _assigned(user, material: Material):
    person = services.person_of(user)
    if material.status != MaterialStatus.PUBLISHED or not audience.includes(material, person):
        raise ValidationError(NOT_ASSIGNED)
    return person


def _study(material: Material, person) -> Study:
    """The person's row, created once (two taps at once make one row)."""
    try:
        with transaction.atomic():
            return Study.objects.select_for_update().get_or_create(
                material=material, person=person
            )[0]
    except IntegrityError:
        return Study.objects.select_for_update().get(material=material, person=person)


@transaction.atomic
def open_material(user, material: Material) -> Study:
    """The person opened the material: the first time is kept (not audited: reading is private)."""
    person = _assigned(user, material)
    study = _study(material, person)
    if study.opened_at is None:
        study.opened_at = timezone.now()
        study.save(update_fields=["opened_at"])
    return study


@transaction.atomic
def confirm(user, material: Material, note: str = "") -> Study:
    """一键"已学": confirmed once; a note may be added or changed later. 学时 when the rule
    ``learning.self_study`` is on (``sources_self_study``)."""
    person = _assigned(user, material)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"心得体会最多 {NOTE_MAX} 字"})
    study = _study(material, person)
    before = {"confirmed": bool(study.confirmed_at), "note": bool(study.note)}
    first = study.confirmed_at is None
    now = timezone.now()
    study.opened_at = study.opened_at or now
    study.confirmed_at = study.confirmed_at or now
    study.note = note or study.note
    study.save(update_fields=["opened_at", "confirmed_at", "note"])
    audit.record(
        user,
        "learning.material_confirm",
        material,
        before=before,
        after={"confirmed": True, "note": bool(study.note)},
    )
    if first:
        ledger.sync(Source.SELF_STUDY, [study.pk])
    return study


# Who reads notes ------------------------------------------------------------------------------
def _branch_ids(user) -> list[int]:
    """The party branches the user keeps learning for themselves (a grant on the branch)."""
    return [n.org_id for n in Scope.of(user).nodes if MANAGE_LEARNING in ROLES[n.role].capabilities]


def notes_for(user, material: Material) -> QuerySet:
    """The notes of ``material`` the user may read: every note for its organisers, the notes of
    their own branch's members for a branch's keeper, none for anyone else."""
    rows = (
        Study.objects.filter(material=material, confirmed_at__isnull=False)
        .exclude(note="")
        .select_related("person", "person__party_branch")
        .order_by("-confirmed_at", "-id")
    )
    if materials.can_manage(user, material):
        return rows
    return rows.filter(person__party_branch_id__in=_branch_ids(user))


def may_read_notes(user, material: Material) -> bool:
    return materials.can_manage(user, material) or bool(_branch_ids(user))


# Reach, as counts and rates ------------------------------------------------------------------
@dataclass(frozen=True)
class Reach:
    assigned: int
    opened: int
    confirmed: int

    @staticmethod
    def _rate(part: int, whole: int) -> int | None:
        return round(part * 100 / whole) if whole else None

    @property
    def opened_rate(self) -> int | None:
        return self._rate(self.opened, self.assigned)

    @property
    def confirmed_rate(self) -> int | None:
        return self._rate(self.confirmed, self.assigned)


def reach(user, material: Material) -> Reach:
    """How far the material reached within the user's sub-tree: one query."""
    if material.status == MaterialStatus.DRAFT:
        return Reach(0, 0, 0)
    people = audience.people(material).filter(
        Scope.of(user).person_q(MANAGE_LEARNING, include_self=False)
    )
    studied = Study.objects.filter(material=material, person=OuterRef("pk"))
    counts = (
        people.order_by()
        .values("pk")
        .annotate(
            o=Exists(studied.filter(opened_at__isnull=False)),
            c=Exists(studied.filter(confirmed_at__isnull=False)),
        )
        .aggregate(
            assigned=Count("pk"),
            opened=Count("pk", filter=Q(o=True)),
            confirmed=Count("pk", filter=Q(c=True)),
        )
    )
    return Reach(counts["assigned"], counts["opened"], counts["confirmed"])
