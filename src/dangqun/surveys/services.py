"""Who sees and who runs 问卷调查: organisers (``surveys.manage`` on the survey's organisation)
build, publish and close surveys; readers (``surveys.view``) see the results, always within k;
every person answers the open surveys whose audience holds them. One visibility verb."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from dangqun.accounts.roles import MANAGE_SURVEYS, VIEW_SURVEYS
from dangqun.accounts.scope import Scope, require
from dangqun.orgs.models import Org
from dangqun.people import audience
from dangqun.surveys.models import Participation, Status, Survey

NOT_FOUND = "问卷不存在或无权查看"
NOT_ORGANISER = "您无权以该组织的名义组织问卷调查"
NO_PERSON = "您的账号未关联人员档案"


def organiser_orgs(user) -> QuerySet:
    return Scope.of(user).orgs(MANAGE_SURVEYS).order_by("path")


def organises(user) -> bool:
    return Scope.of(user).has(MANAGE_SURVEYS)


def reads(user) -> bool:
    scope = Scope.of(user)
    return scope.has(VIEW_SURVEYS) or scope.has(MANAGE_SURVEYS)


def can_manage(user, survey: Survey) -> bool:
    return Scope.of(user).can(MANAGE_SURVEYS, survey.org)


def require_manage(user, org: Org) -> None:
    require(Scope.of(user).can(MANAGE_SURVEYS, org), NOT_ORGANISER)


def can_read_results(user, survey: Survey) -> bool:
    scope = Scope.of(user)
    return scope.can(VIEW_SURVEYS, survey.org) or scope.can(MANAGE_SURVEYS, survey.org)


def kept_by(user) -> QuerySet:
    """The surveys of organisations in the user's scope (to run or to read results)."""
    scope = Scope.of(user)
    found = Survey.objects.none()
    for capability in (MANAGE_SURVEYS, VIEW_SURVEYS):
        if scope.has(capability):
            found |= Survey.objects.filter(scope.within(capability, "org"))
    return found


def assigned_to(user) -> QuerySet:
    """The open surveys whose audience holds the user's person."""
    person = getattr(user, "person", None)
    return audience.for_person(Survey.objects.filter(status=Status.OPEN), person)


def answered_by(user) -> QuerySet:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Survey.objects.none()
    done = Participation.objects.filter(person_id=person_id).values("survey_id")
    return Survey.objects.filter(pk__in=done)


def visible_to(user) -> QuerySet:
    return kept_by(user) | assigned_to(user) | answered_by(user)


def require_visible(user, pk) -> Survey:
    survey = visible_to(user).select_related("org").filter(pk=pk).distinct().first()
    if survey is None:
        raise Http404(NOT_FOUND)
    return survey
