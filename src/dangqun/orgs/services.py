"""Every change to organisations: one function each, permission-checked, audited, with history."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangqun.accounts.roles import CHANGE_ORGS, VIEW_ORGS
from dangqun.accounts.scope import Scope, get_in_scope, require
from dangqun.core import audit, tallies
from dangqun.core.rules import get_rule
from dangqun.orgs.models import SYSTEM_OF_KIND, Kind, Org, OrgEvent, Post, System, Term
from dangqun.people.models import EmploymentStatus, PartyProfile, Person

TERM_YEARS_KEY = {
    Kind.PARTY_COMMITTEE: "party_committee",
    Kind.GENERAL_BRANCH: "general_branch",
    Kind.BRANCH: "branch",
    Kind.JOINT_BRANCH: "branch",
    Kind.UNION_COMMITTEE: "union",
    Kind.UNION_BRANCH: "union",
    Kind.LEAGUE_COMMITTEE: "league",
    Kind.LEAGUE_GENERAL_BRANCH: "league",
    Kind.LEAGUE_BRANCH: "league",
}

TRACKED_FIELDS = [
    "name",
    "short_name",
    "unit_id",
    "unit_situation",
    "contact_name",
    "contact_phone",
    "approves_members",
]
APPROVING_KINDS = (Kind.PARTY_COMMITTEE, Kind.GENERAL_BRANCH)


def visible_to(user) -> QuerySet:
    """The organisations (of every system) this user may see: the sub-trees their grants cover."""
    return Scope.of(user).orgs(VIEW_ORGS)


def require_visible(user, pk: int) -> Org:
    """One organisation this user may see, with its enterprise unit; or 404."""
    return get_in_scope(visible_to(user).select_related("unit"), pk=pk)


def require_changeable(user, pk: int) -> Org:
    """One organisation this user may change: outside their sight 404, seen but read-only 403."""
    org = get_in_scope(visible_to(user), pk=pk)
    require(Scope.of(user).can(CHANGE_ORGS, org), "您无权修改该组织")
    return org


def can_change(user, org: Org) -> bool:
    """Whether the user may change this organisation (its details, children, terms and posts)."""
    return Scope.of(user).can(CHANGE_ORGS, org)


def unit_choices() -> QuerySet:
    """The enterprise units an organisation may sit in (their names are not secret: any active
    unit may host an organisation)."""
    return Org.objects.active().filter(system=System.ENTERPRISE).only("pk", "name", "depth")


def move_targets(user, org: Org) -> QuerySet:
    """Where the user may move ``org``: active organisations of its system they may change,
    outside its own sub-tree."""
    return (
        Scope.of(user)
        .orgs(CHANGE_ORGS, Org.objects.active())
        .filter(system=org.system)
        .exclude(path__startswith=org.path)
        .only("pk", "name", "depth")
    )


def require_post(org: Org, pk) -> Post:
    """One post of the organisation, with its holder; or 404."""
    return get_in_scope(Post.objects.filter(org=org).select_related("person"), pk=pk)


def default_term_years(kind: str) -> int | None:
    key = TERM_YEARS_KEY.get(kind)
    return get_rule("org.term_years")[key] if key else None


def _actor_name(actor) -> str:
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "系统"


def _check_can_change(actor, org: Org) -> None:
    if actor is None:  # trusted callers: seeding, migrations, commands run by an operator
        return
    require(Scope.of(actor).can(CHANGE_ORGS, org), "您无权修改该组织")


def _check_can_grant_approval(actor, org: Org) -> None:
    """The authority to approve new members is given by the organisation above."""
    if org.kind not in APPROVING_KINDS:
        raise ValidationError({"approves_members": "只有党委、党总支可以有审批发展党员的权限"})
    if actor is None:
        return
    parent_path = org.ancestor_paths()[-1:]
    parent = Org.objects.filter(path__in=parent_path).first()
    allowed = parent is not None and Scope.of(actor).can(CHANGE_ORGS, parent)
    require(allowed, "审批发展党员的权限由上级党组织授予或取消")


def _validate_unit(unit: Org | None) -> None:
    if unit is not None and unit.system != System.ENTERPRISE:
        raise ValidationError({"unit": "所在单位必须是行政组织"})


@transaction.atomic
def create_org(
    actor, *, parent: Org | None, name: str, kind: str, founded_on=None, **fields
) -> Org:
    """Add an organisation under ``parent`` (or a new root when the actor is trusted)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写组织名称"})
    system = SYSTEM_OF_KIND.get(kind)
    if system is None:
        raise ValidationError({"kind": "组织类别不正确"})
    if parent is not None:
        parent = Org.objects.select_for_update().get(pk=parent.pk)  # fresh: numchild, dissolved_on
        _check_can_change(actor, parent)
        if parent.system != system:
            raise ValidationError(
                {"kind": f"{parent.get_system_display()}下不能建立{Kind(kind).label}"}
            )
        if not parent.is_active:
            raise ValidationError({"parent": "上级组织已撤销"})
    elif actor is not None:
        require(False, "只有系统初始化可以建立顶级组织")
    _validate_unit(fields.get("unit"))
    fields.setdefault("approves_members", kind == Kind.PARTY_COMMITTEE)  # the usual authority
    values = {"name": name, "kind": kind, "system": system, "founded_on": founded_on, **fields}
    org = Org.objects.add_child(parent, values) if parent else Org.objects.add_root(values)
    OrgEvent.objects.create(
        org=org,
        type=OrgEvent.Type.FOUNDED,
        on=founded_on or timezone.localdate(),
        after={"name": name, "parent": parent.name if parent else ""},
        actor_name=_actor_name(actor),
    )
    audit.record(actor, "org.create", org, after=audit.snapshot(org, ["name", "kind", "path"]))
    return org


@transaction.atomic
def update_org(actor, org: Org, *, on: datetime.date | None = None, **changes) -> Org:
    """Rename or change the details of an organisation; a rename is kept in its history."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _check_can_change(actor, org)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise ValidationError({"name": "请填写组织名称"})
    _validate_unit(changes.get("unit"))
    if changes.get("approves_members", org.approves_members) != org.approves_members:
        _check_can_grant_approval(actor, org)
    before = audit.snapshot(org, TRACKED_FIELDS)
    for field, value in changes.items():
        setattr(org, field, value)
    org.save()
    before, after = audit.diff(before, audit.snapshot(org, TRACKED_FIELDS))
    if after:
        event_type = OrgEvent.Type.RENAMED if set(after) == {"name"} else OrgEvent.Type.CHANGED
        OrgEvent.objects.create(
            org=org,
            type=event_type,
            on=on or timezone.localdate(),
            before=before,
            after=after,
            actor_name=_actor_name(actor),
        )
        audit.record(actor, "org.update", org, before=before, after=after)
    return org


@transaction.atomic
def move_org(actor, org: Org, new_parent: Org, *, on: datetime.date | None = None) -> Org:
    """Move a whole sub-tree under another parent of the same system, in one operation."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.get(pk=new_parent.pk)
    _check_can_change(actor, org)
    _check_can_change(actor, new_parent)
    if new_parent.system != org.system:
        raise ValidationError({"parent": "只能调整到同一体系的组织下"})
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": "不能调整到本组织或其下级组织下"})
    if not new_parent.is_active:
        raise ValidationError({"parent": "目标上级组织已撤销"})
    old_parent = Org.objects.get_parent(org)
    old_root = org.path[: Org.steplen]
    Org.objects.move(org, new_parent, pos="last-child")
    org.refresh_from_db()
    if org.path[: Org.steplen] != old_root:  # into another enterprise: its tallies (三率) move too
        tallies.orgs_moved(Org.objects.in_subtree(org))
    before = {"parent": old_parent.name if old_parent else ""}
    after = {"parent": new_parent.name}
    OrgEvent.objects.create(
        org=org,
        type=OrgEvent.Type.MOVED,
        on=on or timezone.localdate(),
        before=before,
        after=after,
        actor_name=_actor_name(actor),
    )
    audit.record(actor, "org.move", org, before=before, after=after)
    return org


@transaction.atomic
def dissolve_org(actor, org: Org, *, on: datetime.date, note: str = "") -> Org:
    """Dissolve an organisation. Its record and history stay; active children must go first."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _check_can_change(actor, org)
    if not org.is_active:
        raise ValidationError("该组织已撤销")
    if Org.objects.in_subtree(org).exclude(pk=org.pk).active().exists():
        raise ValidationError("请先撤销或调出其下级组织")
    if PartyProfile.objects.filter(branch=org, left_on__isnull=True).exists():
        raise ValidationError("该组织仍有党员，请先办理组织关系转接")
    if (
        Person.objects.filter(Q(unit=org) | Q(union_org=org) | Q(league_org=org))
        .filter(employment_status=EmploymentStatus.ACTIVE)
        .exists()
    ):
        raise ValidationError("该组织仍有在职人员，请先调整其所在单位或组织")
    org.dissolved_on = on
    org.save(update_fields=["dissolved_on"])
    _end_posts(Post.objects.filter(org=org, ended_on__isnull=True), on)
    Term.objects.filter(org=org, closed_on__isnull=True).update(closed_on=on)
    OrgEvent.objects.create(
        org=org, type=OrgEvent.Type.DISSOLVED, on=on, note=note, actor_name=_actor_name(actor)
    )
    audit.record(actor, "org.dissolve", org, after={"dissolved_on": on, "note": note})
    return org


@transaction.atomic
def start_term(
    actor, org: Org, *, elected_on: datetime.date, years: int | None = None, has_committee=True
) -> Term:
    """Record an election: the previous term closes, a new one starts."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _check_can_change(actor, org)
    years = years or default_term_years(org.kind)
    if not years:
        raise ValidationError({"years": "请填写任期年限"})
    previous = org.terms.filter(closed_on__isnull=True).order_by("-number").first()
    if previous and elected_on < previous.elected_on:
        raise ValidationError({"elected_on": "选举日期不能早于上一届"})
    last_number = org.terms.order_by("-number").values_list("number", flat=True).first() or 0
    org.terms.filter(closed_on__isnull=True).update(closed_on=elected_on)
    if previous:
        _end_posts(Post.objects.filter(term=previous, ended_on__isnull=True), elected_on)
    term = Term.objects.create(
        org=org,
        number=last_number + 1,
        elected_on=elected_on,
        years=years,
        has_committee=has_committee,
    )
    audit.record(
        actor,
        "org.term.start",
        org,
        after={"number": term.number, "elected_on": elected_on, "years": years},
    )
    return term


# Called with (person ids, the first day concerned) after a post was taken or ended, inside
# the change's transaction (学习培训's 书记/委员 requirement registers itself).
after_posts_changed: list[Callable[[list[int], datetime.date], None]] = []


def _posts_changed(person_ids: list[int], since: datetime.date) -> None:
    if person_ids:
        for hook in after_posts_changed:
            hook(person_ids, since)


def _end_posts(posts: QuerySet, on: datetime.date) -> None:
    """End these posts on ``on`` (a dissolution, a new term) and tell who listens."""
    people = list(posts.values_list("person_id", flat=True).distinct())
    posts.update(ended_on=on)
    _posts_changed(people, on)


@transaction.atomic
def appoint(actor, org: Org, person, title: str, *, started_on: datetime.date) -> Post:
    """A person takes a post in the organisation's current term."""
    _check_can_change(actor, org)
    term = org.terms.filter(closed_on__isnull=True).order_by("-number").first()
    post = Post.objects.create(
        org=org, term=term, person=person, title=title, started_on=started_on
    )
    audit.record(
        actor,
        "org.post.appoint",
        org,
        after={"person": person.pk, "title": title, "on": started_on},
    )
    _posts_changed([person.pk], started_on)
    return post


@transaction.atomic
def end_post(actor, post: Post, *, ended_on: datetime.date) -> Post:
    _check_can_change(actor, post.org)
    if ended_on < post.started_on:
        raise ValidationError({"ended_on": "离任日期不能早于任职日期"})
    post.ended_on = ended_on
    post.save(update_fields=["ended_on"])
    audit.record(actor, "org.post.end", post.org, after={"post": post.pk, "ended_on": ended_on})
    _posts_changed([post.person_id], ended_on)
    return post
