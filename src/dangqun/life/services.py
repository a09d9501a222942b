"""组织生活: who sees which meetings and who keeps them (the visibility verb ``visible_to`` /
``require_visible``, the list a user sees, the keepers' permission) and the guards every change
shares (the meeting locked, still open). The changes themselves live by topic: ``planning``,
``recording``, ``attendance``, ``checkins``, ``voting``, ``meeting_files``, ``appraisal``.

Every change takes the acting user, checks the scope, writes the change and its audit row in one
transaction. Holding the meeting is the only work: who is expected comes from the organisation,
and attendance, 学时 and compliance follow from the record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dangqun.accounts.roles import MANAGE_LIFE, VIEW_LIFE
from dangqun.accounts.scope import Scope, require
from dangqun.life.models import (
    Attendee,
    Meeting,
    Presence,
    Role,
    Status,
)
from dangqun.orgs.models import BRANCH_KINDS, Org


def visible_to(user) -> QuerySet:
    """Meetings of the organisations in the user's 组织生活 scope."""
    scope = Scope.of(user)
    return Meeting.objects.filter(scope.within(VIEW_LIFE, "org") | scope.within(MANAGE_LIFE, "org"))


def attending(user) -> QuerySet:
    """Meetings the user's person is expected at or came to."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Meeting.objects.none()
    # a subquery, not a join: the list's counts of each meeting's attendees must count them all
    their_meetings = Attendee.objects.filter(person_id=person_id).values("meeting_id")
    return Meeting.objects.filter(pk__in=their_meetings)


def reads_all(user) -> bool:
    """Whether the user reads organisations' meetings (a 组织生活 role), not only their own."""
    scope = Scope.of(user)
    return scope.has(VIEW_LIFE) or scope.has(MANAGE_LIFE)


def listed_for(user) -> QuerySet:
    """The meetings the user's list shows: those of their scope for a 组织生活 role, else those
    their person is expected at."""
    return visible_to(user) if reads_all(user) else attending(user)


SHOW = {  # which meetings a list shows: key → (label, filter)
    "upcoming": ("待召开", Q(status=Status.PLANNED)),
    "held": ("已召开", Q(status__in=(Status.HELD, Status.FINALISED))),
    "all": ("全部", Q()),
}


def listed(user, show: str = "upcoming") -> QuerySet:
    """The meetings of the user's list (``show`` one of ``SHOW``) with their expected and present
    counts, the next first when upcoming, else the latest first."""
    meetings = listed_for(user).filter(SHOW[show][1]).select_related("org")
    meetings = meetings.annotate(
        expected=Count("attendees", filter=~Q(attendees__role=Role.GUEST)),
        present=Count("attendees", filter=Q(attendees__presence=Presence.PRESENT)),
    )
    order = ("starts_at", "id") if show == "upcoming" else ("-starts_at", "-id")
    return meetings.order_by(*order)


def require_visible(user, pk: int) -> Meeting:
    """The meeting if the user may open it (their scope, or they are on its list), else 404."""
    meeting = (
        (visible_to(user) | attending(user))
        .select_related("org", "host", "recorder")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404("组织生活不存在或无权查看")
    return meeting


def can_manage(user, org: Org) -> bool:
    return Scope.of(user).can(MANAGE_LIFE, org)


def may_schedule(user) -> bool:
    """Whether the user keeps the meetings of any organisation (may plan or schedule one)."""
    return org_choices(user).exists()


def require_manage(actor, org: Org) -> None:
    require(can_manage(actor, org), "您无权管理该组织的组织生活")


def org_choices(user) -> QuerySet:
    """Organisations whose meetings the user keeps: branches, groups and union/league units."""
    kinds = (*BRANCH_KINDS, "party_group", "general_branch", "union_branch", "league_branch")
    return Scope.of(user).orgs(MANAGE_LIFE).filter(kind__in=kinds, dissolved_on__isnull=True)


def locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)


def require_open(meeting: Meeting) -> None:
    if meeting.status == Status.FINALISED:
        raise ValidationError({"status": "会议记录已定稿，不能修改；如需更正请添加补充说明"})
    if meeting.status == Status.CANCELLED:
        raise ValidationError({"status": "本次组织生活已取消"})
