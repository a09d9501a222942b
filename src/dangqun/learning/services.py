"""Who may do what in 学习培训: organisers (``learning.manage``) run classes, materials, question
banks and exams for the organisations in their scope and confirm external training; readers
(``learning.view``) see the 学时 overview of their sub-tree; every member sees their own."""

from __future__ import annotations

from django.db.models import QuerySet

from dangqun.accounts.roles import MANAGE_LEARNING, VIEW_LEARNING
from dangqun.accounts.scope import Scope, require
from dangqun.orgs.models import Org
from dangqun.people.models import Person

NO_PERSON = "您的账号未关联人员档案"
NOT_ORGANISER = "您无权以该组织的名义组织学习培训"


def person_of(user) -> Person:
    """The user's person, or a Chinese refusal."""
    person = getattr(user, "person", None)
    require(person is not None, NO_PERSON)
    return person


def can_manage(user, org: Org) -> bool:
    return Scope.of(user).can(MANAGE_LEARNING, org)


def require_manage(user, org: Org) -> None:
    require(can_manage(user, org), NOT_ORGANISER)


def organiser_orgs(user) -> QuerySet:
    """The organisations the user may run learning for."""
    return Scope.of(user).orgs(MANAGE_LEARNING).order_by("path")


def organises(user) -> bool:
    return Scope.of(user).has(MANAGE_LEARNING)


def reads(user) -> bool:
    scope = Scope.of(user)
    return scope.has(VIEW_LEARNING) or scope.has(MANAGE_LEARNING)
