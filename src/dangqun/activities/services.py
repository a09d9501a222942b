"""志愿服务与活动: who sees which activities, who may join them and who keeps them (the
visibility verb ``visible_to`` / ``require_visible``, ``open_to``, ``can_manage``) and the guards
every change shares. The changes live by topic: ``organising`` (create, publish, cancel…),
``signups`` (capacity, waiting list, approval), ``attendance`` (check-in by the rotating code),
``hours`` (volunteer hours and stars), ``volunteers`` (registration and teams).

Every change takes the acting user, checks the scope, writes the change and its audit row in one
transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from dangqun.accounts.roles import MANAGE_ACTIVITIES, VIEW_ACTIVITIES
from dangqun.accounts.scope import Scope
from dangqun.activities.models import ACTIVE_SIGNUPS, Activity, OpenTo, SignUp, Status
from dangqun.orgs.models import Org
from dangqun.people.models import PARTY_STATUSES, PoliticalStatus

NO_PERSON = "账号未关联人员档案，无法报名或签到"


# Who keeps and who reads ---------------------------------------------------------------------
def kept_by(user) -> QuerySet:
    """Activities run (or co-run) by organisations in the user's scope."""
    scope = Scope.of(user)
    if not (scope.has(VIEW_ACTIVITIES) or scope.has(MANAGE_ACTIVITIES)):
        return Activity.objects.none()
    ours = scope.within(VIEW_ACTIVITIES, "org") | scope.within(MANAGE_ACTIVITIES, "org")
    joint = Activity.co_organisers.through.objects.filter(activity_id=OuterRef("pk")).filter(
        scope.within(VIEW_ACTIVITIES, "org") | scope.within(MANAGE_ACTIVITIES, "org")
    )
    return Activity.objects.filter(ours | Q(Exists(joint)))


def joined_by(user) -> QuerySet:
    """Activities the user's person signed up for (whatever became of the sign-up)."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Activity.objects.none()
    return Activity.objects.filter(
        pk__in=SignUp.objects.filter(person_id=person_id).values("activity_id")
    )


def visible_to(user) -> QuerySet:
    """Every activity the user may open: those their scope keeps or reads, those they signed up
    for, and the published ones open to their person."""
    return kept_by(user) | joined_by(user) | open_to(user)


def require_visible(user, pk) -> Activity:
    activity = (
        visible_to(user).select_related("kind", "org", "team").filter(pk=pk).distinct().first()
    )
    if activity is None:
        raise Http404("没有找到该活动")
    return activity


def can_manage(user, activity: Activity) -> bool:
    """Whether the user organises the activity: an organiser of its organisation or of one of
    its co-organisers."""
    scope = Scope.of(user)
    if scope.can(MANAGE_ACTIVITIES, activity.org):
        return True
    return any(scope.can(MANAGE_ACTIVITIES, org) for org in activity.co_organisers.all())


def can_organise_for(user, org: Org) -> bool:
    return Scope.of(user).can(MANAGE_ACTIVITIES, org)


def organiser_orgs(user, also=()) -> QuerySet:
    """The organisations the user may run activities for, and ``also`` these ids (what an
    activity already names, so a form shows it and saves it unchanged)."""
    query = Scope.of(user).org_q(MANAGE_ACTIVITIES)
    if also:
        query |= Q(pk__in=list(also))
    return Org.objects.filter(query).order_by("path")


PARTNERS_SHOWN = 20


def find_partners(words: str, exclude=()) -> tuple[list[Org], bool]:
    """Active organisations whose name or short name holds ``words``, for choosing 联办
    (联建) partners from any tree or unit: the first ``PARTNERS_SHOWN`` and whether more
    matched (a name is typed, not picked from a list: a group has thousands)."""
    words = (words or "").strip()[:50]
    if not words:
        return [], False
    found = list(
        Org.objects.active()
        .filter(Q(name__icontains=words) | Q(short_name__icontains=words))
        .exclude(pk__in=list(exclude))
        .only("pk", "name", "path", "depth")
        .order_by("depth", "path")[: PARTNERS_SHOWN + 1]
    )
    return found[:PARTNERS_SHOWN], len(found) > PARTNERS_SHOWN


def with_parents(orgs) -> list[tuple[Org, str]]:
    """Each organisation with the name of the one above it ("" at a root), in one query."""
    orgs = list(orgs)
    paths = {org.path[: -Org.steplen] for org in orgs if org.depth > 1}
    names = dict(Org.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}
    return [(org, names.get(org.path[: -Org.steplen], "")) for org in orgs]


# Who may join --------------------------------------------------------------------------------
def person_paths(person) -> list[str]:
    """The paths of the organisations a person belongs to: unit, party branch, union, league."""
    orgs = [person.unit, person.party_branch, person.union_org, person.league_org]
    return [org.path for org in orgs if org is not None]


def _ancestors_and_self(paths: list[str]) -> list[str]:
    return sorted(
        {path[:i] for path in paths for i in range(Org.steplen, len(path) + 1, Org.steplen)}
    )


def open_to_person(person) -> QuerySet:
    """Published activities the person may sign up for: open to their political status or
    membership, and to everyone or to a sub-tree one of their organisations lies in."""
    statuses = Q(open_to=OpenTo.EVERYONE)
    if person.political_status in PARTY_STATUSES:
        statuses |= Q(open_to=OpenTo.PARTY)
    if person.political_status == PoliticalStatus.LEAGUE_MEMBER or person.league_org_id:
        statuses |= Q(open_to=OpenTo.LEAGUE)
    if person.union_org_id:
        statuses |= Q(open_to=OpenTo.UNION)
    through = Activity.eligible_orgs.through.objects
    limited = through.filter(activity_id=OuterRef("pk"))
    theirs = limited.filter(org__path__in=_ancestors_and_self(person_paths(person)))
    return (
        Activity.objects.filter(status=Status.PUBLISHED)
        .filter(statuses)
        .filter(~Q(Exists(limited)) | Q(Exists(theirs)))
    )


def open_to(user) -> QuerySet:
    person = getattr(user, "person", None)
    if person is None:
        return Activity.objects.none()
    return open_to_person(person)


def why_not_eligible(person, activity: Activity) -> str:
    """ "" when the person may sign up for the activity, else the reason in Chinese."""
    if open_to_person(person).filter(pk=activity.pk).exists():
        return ""
    if activity.open_to != OpenTo.EVERYONE:
        return f"本活动仅限{activity.get_open_to_display()}报名"
    return "本活动仅限指定单位或组织的职工报名"


def signup_of(person, activity: Activity) -> SignUp | None:
    return SignUp.objects.filter(person=person, activity=activity).first()


def active_signups(activity: Activity) -> QuerySet:
    return activity.signups.filter(status__in=ACTIVE_SIGNUPS)


# Guards the topics share ---------------------------------------------------------------------
def locked(activity: Activity) -> Activity:
    """The stored activity, locked until the transaction ends: sign-ups for it (and every
    change to it) run one after the other, so capacity is counted by one writer at a time."""
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("kind", "org")
        .get(pk=activity.pk)
    )


def expect_status(activity: Activity, *statuses: str, message: str) -> None:
    if activity.status not in statuses:
        raise ValidationError(message)


def person_of(user):
    person = getattr(user, "person", None)
    if person is None:
        raise ValidationError(NO_PERSON)
    return person
