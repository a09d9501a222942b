"""Planning an import: match each parsed row to a person, check it against the shared rules and
the importer's scope, and say what it will do (create, update, or nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from dangqun.accounts.roles import IMPORT_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core import audit, idnumber
from dangqun.core.imports.files import ImportFileError
from dangqun.orgs.models import Org
from dangqun.people.imports.rows import (
    LABEL_OF,
    PERSON_KEYS,
    PROFILE_KEYS,
    OrgNames,
    ParsedRow,
    check_header,
    parse_row,
)
from dangqun.people.models import (
    PARTY_STATUSES,
    MemberCategory,
    PartyProfile,
    Person,
    PoliticalStatus,
)
from dangqun.people.services import (
    PERSON_FIELDS,
    apply_person,
    check_person_data,
    check_profile_data,
)

LOOKUP_CHUNK = 900  # values per IN (...) lookup: under SQLite's old 999-parameter limit
PROGRESS_BATCHES = 5  # lookup batches between progress updates while validating
TRACKED = [*PERSON_FIELDS, "id_number_hash"]


@dataclass
class Plan:
    """What one valid row will do."""

    row: ParsedRow
    person: Person  # a new person, or the matched one with the row applied (in memory)
    profile: dict | None = None  # profile values to set, when the row changes the party profile
    new_profile: bool = False
    fields: tuple[str, ...] = ()  # attributes of an existing person the row changes

    @property
    def is_change(self) -> bool:
        return self.is_new or bool(self.fields) or self.profile is not None

    @property
    def is_new(self) -> bool:
        return self.person.pk is None


class Planner:
    """Everything needed to check rows against the database, loaded once per file."""

    def __init__(self, actor):
        self.actor = actor
        self.scope = Scope.of(actor)
        self.today = timezone.localdate()
        orgs = list(
            self.scope.orgs(IMPORT_PEOPLE).only(
                "id", "name", "path", "depth", "system", "kind", "dissolved_on"
            )
        )
        names = dict(Org.objects.values_list("path", "name"))
        self.orgs = OrgNames(orgs, names)
        self.matched: dict[int, ParsedRow] = {}  # person pk → the row that matched it

    def run(self, table, on_progress=None) -> tuple[list[ParsedRow], list[Plan]]:
        """Read and plan every row; rows with problems get errors and no plan."""
        positions, errors = check_header(table.header)
        if errors:
            raise ImportFileError(f"第 {table.header_row} 行（表头）有误：" + "；".join(errors))
        rows: list[ParsedRow] = []
        plans: list[Plan] = []
        for start in range(0, len(table.rows), LOOKUP_CHUNK):
            batch = [
                parse_row(number, cells, positions, self.orgs)
                for number, cells in table.rows[start : start + LOOKUP_CHUNK]
            ]
            rows.extend(batch)
            by_hash, by_number, allowed = self._existing(batch)
            for row in batch:
                plan = self._plan_row(row, by_hash, by_number, allowed)
                if plan is not None:
                    plans.append(plan)
            if on_progress and (start // LOOKUP_CHUNK) % PROGRESS_BATCHES == 0:
                on_progress(len(rows))
        _mark_duplicates(rows)
        return rows, [plan for plan in plans if not plan.row.errors]

    def _existing(self, rows):
        hashes = [row.id_hash for row in rows if row.id_hash]
        numbers = [row.employee_no for row in rows if row.employee_no]
        # One query, each person once: matched by ID number or employee number (often both)
        found = list(
            Person.objects.select_related(
                "unit", "union_org", "league_org", "party_profile__branch"
            ).filter(Q(id_number_hash__in=hashes) | Q(employee_no__in=numbers))
        )
        by_hash = {p.id_number_hash: p for p in found if p.id_number_hash}
        by_number = {p.employee_no: p for p in found}
        allowed: set[int] = set()
        if found:
            pks = {p.pk for p in found}
            allowed = set(
                self.scope.people(IMPORT_PEOPLE).filter(pk__in=pks).values_list("pk", flat=True)
            )
        return by_hash, by_number, allowed

    def _plan_row(self, row, by_hash, by_number, allowed) -> Plan | None:
        person = by_hash.get(row.id_hash) if row.id_hash else None
        other = by_number.get(row.employee_no)
        if person is None:
            person = other
        elif other is not None and other.pk != person.pk:
            row.add_error("employee_no", "该工号已被其他人员使用（与公民身份号码对应的不是同一人）")
            return None
        if person is not None:
            if person.pk not in allowed:
                row.add_error(
                    "employee_no" if person is other else "id_number",
                    "对应的人员不在您的管理范围内，不能通过导入修改",
                )
                return None
            first = self.matched.get(person.pk)
            if first is not None:
                # Rows sharing an ID or employee number are reported as duplicates later.
                if first.id_hash != row.id_hash and first.employee_no != row.employee_no:
                    row.add_error("employee_no", f"与第 {first.number} 行对应的是同一人员")
                return None
            self.matched[person.pk] = row
        if person is None:
            return self._plan_new(row)
        return self._plan_existing(row, person)

    def _plan_new(self, row: ParsedRow) -> Plan | None:
        data = {key: row.values[key] for key in PERSON_KEYS if key in row.values}
        data.setdefault("ethnicity", "汉族")
        data.setdefault("political_status", PoliticalStatus.MASSES)
        _add_errors(row, check_person_data(data))
        profile = None
        if row.is_party:
            profile = {key: row.values.get(key) for key in PROFILE_KEYS}
            profile["category"] = profile["category"] or MemberCategory.EMPLOYED
            data["political_status"] = self._check_party(row, data, profile)
        else:
            self._refuse_party_cells(row)
        if row.errors:
            return None
        person = Person()
        apply_person(person, data)
        return Plan(row, person, profile, new_profile=profile is not None)

    def _plan_existing(self, row: ParsedRow, person: Person) -> Plan | None:
        data = {key: row.values[key] for key in PERSON_KEYS if key in row.values}
        if row.id_hash and row.id_hash == person.id_number_hash:
            del data["id_number"]  # the same number: nothing to encrypt again
        merged = {key: getattr(person, key) for key in PERSON_KEYS if key != "id_number"}
        if "id_number" in data:  # a new number brings its own birth date and sex
            merged.pop("birth_date")
            merged.pop("gender")
        merged.update(data)
        _add_errors(row, check_person_data(merged, instance=person))
        if "id_number" not in data and person.id_number_hash:
            # the stored number decides birth date and sex (they were taken from it)
            for key, label in (("birth_date", "出生日期"), ("gender", "性别")):
                if key in data and data[key] != getattr(person, key):
                    row.add_error(key, f"{label}与该人员已登记的公民身份号码不一致")
        current = getattr(person, "party_profile", None)
        status = data.get("political_status")
        cells = {key: row.values[key] for key in PROFILE_KEYS if key in row.values}
        profile = None
        if status in PARTY_STATUSES or (status is None and cells and _is_current(current)):
            profile = self._plan_profile(row, merged, current, cells)
            if profile is not None:
                data["political_status"] = profile.pop("_status")
        elif _is_current(current) and status is not None:
            row.add_error(
                "political_status",
                "该人员是在册党员，党员身份的变化（出党、转出等）请在人员页面办理，不能通过导入修改",
            )
        else:
            self._refuse_party_cells(row)
        if row.errors:
            return None
        fields: tuple[str, ...] = ()
        if "id_number" in data or any(getattr(person, k) != v for k, v in data.items()):
            before = audit.snapshot(person, TRACKED)
            apply_person(person, data)
            _, after = audit.diff(before, audit.snapshot(person, TRACKED))
            fields = _attributes_behind(after)
        new_profile = profile is not None and current is None
        if profile is not None and not new_profile and _same_profile(current, profile):
            profile = None
        return Plan(row, person, profile, new_profile=new_profile, fields=fields)

    def _plan_profile(self, row, merged, current, cells) -> dict | None:
        if current is not None and not current.is_current:
            if not _same_profile(current, cells):
                row.add_error(
                    "branch",
                    "该党员的组织关系已转出或已离开，请在人员页面办理“转入”，不能通过导入修改",
                )
            return None
        profile = {}
        if current is not None:
            profile = {key: getattr(current, key) for key in PROFILE_KEYS}
        profile.update(cells)
        profile["category"] = profile.get("category") or MemberCategory.EMPLOYED
        data = {**merged, "political_status": row.values.get("political_status")}
        profile["_status"] = self._check_party(row, data, profile)
        return profile

    def _check_party(self, row, data, profile) -> str:
        """The service's profile rules, and that 政治面貌 agrees with the 转正 date.

        The last rule is the import's own: the form derives 政治面貌 from the dates, a file
        states both, and they must not contradict each other. Returns the derived status.
        """
        birth = data.get("birth_date")
        if row.id_hash and data.get("id_number"):  # a hash is set only for a valid number
            birth = idnumber.parse(data["id_number"]).birth_date
        _add_errors(row, check_profile_data(profile, birth_date=birth))
        full = profile.get("full_member_on")
        stated = data.get("political_status")
        if stated == PoliticalStatus.PARTY_MEMBER and full is None:
            row.add_error("full_member_on", "政治面貌为中共党员，请填写转为正式党员日期")
        elif stated == PoliticalStatus.PROBATIONARY and full is not None:
            row.add_error("full_member_on", "政治面貌为中共预备党员，不应填写转为正式党员日期")
        if full is not None and full <= self.today:
            return PoliticalStatus.PARTY_MEMBER
        return PoliticalStatus.PROBATIONARY

    def _refuse_party_cells(self, row: ParsedRow) -> None:
        given = [LABEL_OF[key] for key in PROFILE_KEYS if key in row.values]
        if given:
            row.add_error(
                "political_status",
                f"填写了{'、'.join(given)}，但政治面貌不是中共党员或中共预备党员",
            )


def _attributes_behind(changed: dict) -> tuple[str, ...]:
    """The person's attributes to copy for these changed audit fields (with what derives from them)."""
    names = [key for key in changed if key != "id_number_hash"]
    if "id_number_hash" in changed:
        names += ["id_number_hash", "id_number_encrypted", "id_number_masked"]
    if "name" in changed:
        names.append("name_pinyin")
    return tuple(names)


def _is_current(profile) -> bool:
    return profile is not None and profile.is_current


def _same_profile(profile: PartyProfile, values: dict) -> bool:
    """Do the given values (only those present) equal the stored profile?"""
    for key, value in values.items():
        if key == "branch":
            if profile.branch_id != (value.pk if value is not None else None):
                return False
        elif key in PROFILE_KEYS and getattr(profile, key) != value:
            return False
    return True


def _add_errors(row: ParsedRow, errors: dict[str, str]) -> None:
    """Add the service's errors, except for columns whose cell could not even be read."""
    unreadable = {column for column, _ in row.errors}
    for key, message in errors.items():
        if LABEL_OF.get(key, key) not in unreadable:
            row.add_error(key, message)


def _mark_duplicates(rows: list[ParsedRow]) -> None:
    """Rows that share an ID number or an employee number: every one of them is an error."""
    for attr, key, label in (
        ("id_hash", "id_number", "公民身份号码"),
        ("employee_no", "employee_no", "工号"),
    ):
        seen: dict[str, list[ParsedRow]] = {}
        for row in rows:
            value = getattr(row, attr)
            if value:
                seen.setdefault(value, []).append(row)
        for group in seen.values():
            if len(group) < 2:
                continue
            for row in group:
                others = "、".join(str(r.number) for r in group if r is not row)
                row.add_error(key, f"与第 {others} 行的{label}重复")
