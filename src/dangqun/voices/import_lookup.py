"""What the rows of a voice import refer to, read once for the whole file (``Lookup``): units by
name, active categories, the people the importer may see, and the importer's mapping of names
found nowhere. Every unit a voice goes to must be one the importer manages voices of."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dangqun.accounts.roles import MANAGE_VOICES, VIEW_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.orgs.models import Org, System
from dangqun.voices.models import Category, Voice

if TYPE_CHECKING:  # importer imports this module
    from dangqun.voices.importer import Row

LOOKUP_CHUNK = 5000  # ids per IN (…) query: SQLite caps a statement's parameters
CATEGORY_COLUMN = "类别"


class Lookup:
    """Everything the rows refer to, read once: units by name, categories, people, and the
    importer's mapping of names found nowhere."""

    def __init__(self, scope: Scope, rows: list[dict], mapping: dict):
        self.scope = scope
        names = {r.get(k) for r in rows for k in ("unit", "handling_org") if r.get(k)}
        mapped_units = {int(pk) for pk in (mapping.get("unit") or {}).values() if pk}
        self.orgs: dict[str, list[Org]] = {}
        found = Org.objects.filter(system=System.ENTERPRISE, name__in=names)
        for org in found:
            self.orgs.setdefault(org.name, []).append(org)
        by_pk = {o.pk: o for o in Org.objects.filter(pk__in=mapped_units, system=System.ENTERPRISE)}
        for name, pk in (mapping.get("unit") or {}).items():
            if pk and int(pk) in by_pk:  # the importer's choice, also among namesakes
                self.orgs[name] = [by_pk[int(pk)]]
        # inactive categories are not matched by name: their rows ask to be mapped to an active one
        self.categories = {
            str(c).replace(" ", ""): c
            for c in Category.objects.filter(active=True).select_related("parent", "handling_org")
        }
        self.categories.update({c.name: c for c in self.categories.values() if c.parent_id is None})
        by_pk = {c.pk: c for c in self.categories.values()}
        self.category_map = {
            name: by_pk.get(int(pk)) if pk else None
            for name, pk in (mapping.get("category") or {}).items()
            if not pk or int(pk) in by_pk
        }
        numbers = sorted({str(r["employee_no"]) for r in rows if r.get("employee_no")})
        self.people = {}
        for start in range(0, len(numbers), LOOKUP_CHUNK):
            chunk = numbers[start : start + LOOKUP_CHUNK]
            # only people the importer may see: a 工号 must not reveal or borrow anyone else's name
            visible = scope.people(VIEW_PEOPLE).filter(employee_no__in=chunk)
            self.people.update({p.employee_no: p for p in visible})
        self.allowed: dict[int, bool] = {}
        self.companies: dict[int, int] = {}
        self.unknown: dict[str, dict[str, list[int]]] = {"category": {}, "unit": {}}

    def may_manage(self, org: Org) -> bool:
        if org.pk not in self.allowed:
            self.allowed[org.pk] = self.scope.can(MANAGE_VOICES, org)
        return self.allowed[org.pk]

    def company_id(self, unit: Org | None) -> int | None:
        """``Voice.company`` of a voice from ``unit``: asked once per unit of the file."""
        if unit is None:
            return None
        if unit.pk not in self.companies:
            self.companies[unit.pk] = unit.company().pk
        return self.companies[unit.pk]

    def org(self, name, column: str, number: int, row: Row) -> Org | None:
        found = self.orgs.get(name or "", [])
        if len(found) == 1:
            org = found[0]
            if not self.may_manage(org):
                row.errors.append((column, f"您无权导入“{org.name}”的呼声"))
            return org
        if found:
            row.errors.append((column, f"“{name}”有多个同名单位，请在页面上指定"))
        else:
            row.errors.append((column, f"单位“{name}”不存在"))
        self.unknown["unit"].setdefault(str(name), []).append(number)
        return None

    def category(self, name, number: int, row: Row) -> Category | None:
        key = str(name).replace(" ", "")
        if key in self.categories:
            return self.categories[key]
        if key in self.category_map:
            return self.category_map[key]
        row.errors.append((CATEGORY_COLUMN, f"类别“{name}”不存在"))
        self.unknown["category"].setdefault(key, []).append(number)
        return None

    def imported(self, externals: list[str]) -> set[str]:
        done: set[str] = set()
        for start in range(0, len(externals), LOOKUP_CHUNK):
            chunk = externals[start : start + LOOKUP_CHUNK]
            done.update(
                Voice.objects.filter(external_id__in=chunk).values_list("external_id", flat=True)
            )
        return done
