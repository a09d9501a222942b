"""People's services, the one place callers reach them: which people a user may see (here), and
the changes, each in its topic module and named here — person data (``persons``), party membership
(``membership``), corrections (``corrections``) and the shared checks (``rules``)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangqun.accounts.roles import CHANGE_PEOPLE, VIEW_PEOPLE
from dangqun.accounts.scope import Scope, get_in_scope, require
from dangqun.people.corrections import (
    pending_corrections,
    request_correction,
    require_reviewable,
    review_correction,
)
from dangqun.people.membership import (
    admit_probationary,
    cancel_probation,
    confirm_full_member,
    record_member_event,
    set_party_profile,
)
from dangqun.people.models import PARTY_STATUSES, PartyProfile, Person
from dangqun.people.persons import (
    apply_person,
    audited,
    create_person,
    find_by_id_number,
    reveal_id_number,
    reveal_phone,
    update_person,
)
from dangqun.people.rules import (
    CORRECTABLE_FIELDS,
    PERSON_FIELDS,
    PROFILE_FIELDS,
    can_change_person,
    can_reveal_id,
    can_reveal_phone,
    check_person_data,
    check_profile_data,
)


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


def head_counts(user) -> dict[str, int]:
    """Head counts over the people this user may see: everyone, current party members,
    probationary members and members who lost contact.

    A scope over the whole enterprise (the group's 党委 or leader) counts the people and the current
    profiles separately, each one scan without a join (a current member is a profile not left:
    ``Person.copy_party_profile``); a narrower scope counts in one aggregate over its people."""
    today = timezone.localdate()
    probationary = Q(full_member_on__isnull=True) | Q(full_member_on__gt=today)
    members = {
        "member_count": Count("pk"),
        "probationary_count": Count("pk", filter=probationary),
        "lost_count": Count("pk", filter=Q(lost_contact_on__isnull=False)),
    }
    if not Scope.of(user).person_q(VIEW_PEOPLE):  # everyone: no filter
        counts = PartyProfile.objects.filter(left_on__isnull=True).aggregate(**members)
        return {"people_count": Person.objects.count(), **counts}
    current = Q(is_current_member=True)
    return visible_to(user).aggregate(
        people_count=Count("pk"),
        member_count=Count("pk", filter=current),
        probationary_count=Count(
            "pk",
            filter=current
            & (
                Q(party_profile__full_member_on__isnull=True)
                | Q(party_profile__full_member_on__gt=today)
            ),
        ),
        lost_count=Count("pk", filter=current & Q(party_profile__lost_contact_on__isnull=False)),
    )


def may_register(user) -> bool:
    """Whether the user may register new people (somewhere in their scope)."""
    return Scope.of(user).has(CHANGE_PEOPLE)


def require_changeable(user, pk: int) -> Person:
    """One person this user may change: outside their sight 404, seen but read-only 403."""
    person = require_visible(user, pk)
    require(visible_to(user, CHANGE_PEOPLE).filter(pk=pk).exists(), "您无权修改该人员信息")
    return person


__all__ = [
    "CORRECTABLE_FIELDS",
    "PARTY_STATUSES",
    "PERSON_FIELDS",
    "PROFILE_FIELDS",
    "admit_probationary",
    "apply_person",
    "audited",
    "can_change_person",
    "can_reveal_id",
    "can_reveal_phone",
    "cancel_probation",
    "check_person_data",
    "check_profile_data",
    "confirm_full_member",
    "create_person",
    "find_by_id_number",
    "head_counts",
    "may_register",
    "pending_corrections",
    "record_member_event",
    "request_correction",
    "require_changeable",
    "require_reviewable",
    "require_visible",
    "reveal_id_number",
    "reveal_phone",
    "review_correction",
    "set_party_profile",
    "update_person",
    "visible_to",
]
