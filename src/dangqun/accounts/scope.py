"""Who may see and do what: role grants on organisation sub-trees turned into query filters.

Every view, export and API call asks the user's ``Scope``. Outside the scope an object is not found
(404); inside it but without the capability to change, a write is forbidden (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from dangqun.accounts.models import ApiToken, User
from dangqun.accounts.roles import CHANGE_ORGS, ROLES, VIEW_PEOPLE
from dangqun.orgs.models import Org, System
from dangqun.people.models import Person

INLINE_IDS_LIMIT = (
    2_000  # a scope's organisations written into its query as a list, up to this many
)


@dataclass(frozen=True)
class GrantedNode:
    role: str
    org_id: int
    path: str
    system: str
    unit_path: str | None = None  # the enterprise unit the granted org sits in, if any


class Scope:
    """The grants of one user, loaded once per request (one query)."""

    def __init__(self, user):
        self.user = user
        self.nodes: list[GrantedNode] = []
        # Whether the user holds an unrevoked API token (the menu shows "API" to them): read in
        # the same query as the grants, one row per grant or one row of NULLs without any.
        self.holds_api_token = False
        self._all_unit_roots: set[str] | None = None
        self._subtree_ids: dict[str, list[int] | None] = {}
        if user is not None and user.is_authenticated and user.is_active:
            tokens = ApiToken.objects.filter(user=OuterRef("pk"), revoked_at__isnull=True)
            rows = User.objects.filter(pk=user.pk).values_list(
                "grants__role",
                "grants__org_id",
                "grants__org__path",
                "grants__org__system",
                "grants__org__unit__path",
                Exists(tokens),
            )
            for role, org_id, path, system, unit_path, has_token in rows:
                self.holds_api_token = bool(has_token)
                if role is not None:
                    self.nodes.append(GrantedNode(role, org_id, path, system, unit_path))

    @classmethod
    def of(cls, user) -> Scope:
        scope = getattr(user, "_dangqun_scope", None)
        if scope is None:
            scope = cls(user)
            if user is not None:
                user._dangqun_scope = scope
        return scope

    @property
    def person_id(self) -> int | None:
        return getattr(self.user, "person_id", None)

    def roles(self) -> set[str]:
        return {node.role for node in self.nodes}

    def _paths(self, capability: str) -> list[GrantedNode]:
        nodes = [n for n in self.nodes if capability in ROLES[n.role].capabilities]
        # A grant inside another grant's sub-tree adds nothing; keep the outermost ones.
        nodes.sort(key=lambda n: len(n.path))
        kept: list[GrantedNode] = []
        for node in nodes:
            if not any(node.path.startswith(k.path) for k in kept):
                kept.append(node)
        return kept

    def has(self, capability: str) -> bool:
        return bool(self._paths(capability))

    def covered_paths(self, capability: str) -> list[str]:
        """Granted sub-trees plus the enterprise units the granted orgs sit in.

        A 党委 or branch serves the unit it sits in: its admins see that unit's organisations
        and employees (members and non-members alike, e.g. applicants).
        """
        paths: list[str] = []
        for node in self._paths(capability):
            paths.append(node.path)
            # Seeing and staffing the unit, yes; restructuring it stays with its own admins.
            if node.unit_path and capability != CHANGE_ORGS:
                paths.append(node.unit_path)
        return paths

    def can(self, capability: str, org: Org) -> bool:
        return any(org.path.startswith(path) for path in self.covered_paths(capability))

    # Organisations -------------------------------------------------------------------------
    def org_q(self, capability: str) -> Q:
        query = Q(pk__in=[])
        for path in self.covered_paths(capability):
            query |= Q(path__startswith=path)
        return query

    def orgs(self, capability: str, queryset: QuerySet | None = None) -> QuerySet:
        queryset = Org.objects.all() if queryset is None else queryset
        return queryset.filter(self.org_q(capability))

    def within(self, capability: str, *fields: str) -> Q:
        """Rows whose organisation ``fields`` (e.g. "unit", "handling_org") lie in a sub-tree
        covered for ``capability``: the organisation ids are read once (decisions/0007)."""
        paths = self.covered_paths(capability)
        query = Q(pk__in=[])
        for ids in self._org_ids_under(paths).values():
            for field in fields:
                query |= Q(**{f"{field}__in": ids})
        return query

    # People --------------------------------------------------------------------------------
    def person_q(self, capability: str, include_self: bool = True) -> Q:
        """People attached to a granted sub-tree through their unit, branch, union or league."""
        if self._covers_every_unit(capability):
            return Q()  # everyone works in some unit: no filter to evaluate on every row
        nodes = self._paths(capability)
        subtrees = self._org_ids_under(
            [node.path for node in nodes] + [node.unit_path for node in nodes if node.unit_path]
        )
        query = Q(pk__in=[])
        for node in nodes:
            in_subtree = subtrees[node.path]
            if node.system == System.ENTERPRISE:
                query |= Q(unit__in=in_subtree)
            elif node.system == System.PARTY:
                query |= Q(party_branch__in=in_subtree)
            elif node.system == System.UNION:
                query |= Q(union_org__in=in_subtree)
            elif node.system == System.LEAGUE:
                query |= Q(league_org__in=in_subtree)
            if node.unit_path:
                query |= Q(unit__in=subtrees[node.unit_path])
        if include_self and capability == VIEW_PEOPLE and self.person_id:
            query |= Q(pk=self.person_id)
        return query

    def _org_ids_under(self, paths: list[str]) -> dict[str, list[int] | QuerySet]:
        """The ids of the organisations in each sub-tree, read in one query and kept for the request.

        A list of ids lets PostgreSQL estimate how many people a scope holds and pick its indexes
        (a sub-query it cannot see into made it walk the whole people list; decisions/0007).
        A sub-tree of more than ``INLINE_IDS_LIMIT`` organisations stays a sub-query.
        """
        missing = [path for path in dict.fromkeys(paths) if path not in self._subtree_ids]
        if missing:
            found: dict[str, list[int]] = {path: [] for path in missing}
            any_path = Q(pk__in=[])
            for path in missing:
                any_path |= Q(path__startswith=path)
            most = INLINE_IDS_LIMIT * len(missing)
            rows = list(Org.objects.filter(any_path).values_list("pk", "path")[: most + 1])
            for pk, org_path in rows:
                for path in missing:
                    if org_path.startswith(path):
                        found[path].append(pk)
            for path, ids in found.items():
                too_many = len(rows) > most or len(ids) > INLINE_IDS_LIMIT
                self._subtree_ids[path] = None if too_many else ids
        return {
            path: (
                self._subtree_ids[path]
                if self._subtree_ids[path] is not None
                else Org.objects.filter(path__startswith=path).values("pk")
            )
            for path in paths
        }

    def covers_every_unit(self, capability: str) -> bool:
        """The capability reaches the whole enterprise (e.g. to change a site-wide setting)."""
        return self._covers_every_unit(capability)

    def _covers_every_unit(self, capability: str) -> bool:
        """True when the granted units include every enterprise tree (e.g. the group's 党委).

        Only asked when a granted unit is a root, so smaller scopes cost no extra query.
        """
        units = [n.path for n in self._paths(capability) if n.system == System.ENTERPRISE]
        units += [n.unit_path for n in self._paths(capability) if n.unit_path]
        roots = {path for path in units if len(path) == Org.steplen}
        if not roots:
            return False
        if self._all_unit_roots is None:
            self._all_unit_roots = set(
                Org.objects.filter(depth=1, system=System.ENTERPRISE).values_list("path", flat=True)
            )
        return self._all_unit_roots <= roots

    def people(self, capability: str = VIEW_PEOPLE, queryset: QuerySet | None = None) -> QuerySet:
        queryset = Person.objects.all() if queryset is None else queryset
        return queryset.filter(self.person_q(capability))

    def is_self(self, person) -> bool:
        return self.person_id is not None and self.person_id == person.pk


def get_in_scope(queryset: QuerySet, **lookup):
    """Fetch one object from an already scoped queryset, or 404."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("不存在或无权查看")
    return obj


def require(allowed: bool, message: str = "您没有执行此操作的权限") -> None:
    if not allowed:
        raise PermissionDenied(message)
