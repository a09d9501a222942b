"""Import people from xlsx/csv: validate the whole file in memory, then write in bulk.

An ``ImportJob`` is processed by a Huey task (``tasks.run_import``):

1. read the file (``import_read``), check the header, read every row (``import_rows``);
2. match each row to a person — by ID number through its keyed hash, then by employee number —
   check it is in the importer's scope, run the shared service rules (``check_person_data``,
   ``check_profile_data``) on the merged values, and plan: create, update or unchanged;
3. if any row is wrong and the user did not choose “仅导入无误的行”, stop: nothing is written;
4. write the planned rows in chunks of ``CHUNK`` rows, each chunk one transaction holding its
   people, party profiles, member events, audit rows and the job's progress.

Why one transaction per chunk rather than one for the whole file: every row has been validated
before the first write, so a chunk fails only on a database error or a concurrent edit; a single
100,000-row transaction would hold SQLite's write lock for the whole import (every other user's
save would time out) and would hide the progress from the page. If a chunk fails, the job says how
many rows were written, and importing the same file again completes it: the import is idempotent.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangqun.accounts.roles import IMPORT_PEOPLE
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit, idnumber
from dangqun.core.bulk import bulk_update, insert_rows
from dangqun.core.models import AuditLog
from dangqun.orgs.models import Org
from dangqun.people import import_sheets
from dangqun.people.import_read import ImportFileError, max_bytes, read_table, size_message
from dangqun.people.import_rows import (
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
    ImportJob,
    MemberCategory,
    MemberEvent,
    PartyProfile,
    Person,
    PoliticalStatus,
)
from dangqun.people.services import (
    PERSON_FIELDS,
    PROFILE_FIELDS,
    _apply_person,
    check_person_data,
    check_profile_data,
)

logger = logging.getLogger(__name__)

CHUNK = 2000  # rows per write transaction
LOOKUP_CHUNK = 900  # values per IN (...) lookup: under SQLite's old 999-parameter limit
PROGRESS_BATCHES = 5  # lookup batches between progress updates while validating
MAX_STORED_ERRORS = 1000  # errors kept on the job for the page; the error file has them all
TRACKED = [*PERSON_FIELDS, "id_number_hash"]
IMPORTED_PROFILE_FIELDS = ["branch_id", "joined_on", "full_member_on", "category"]
ALLOWED_SUFFIXES = {".xlsx", ".csv", ".xls"}
Status = ImportJob.Status


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def error_file_path(job: ImportJob) -> Path:
    return import_dir() / f"{PurePosixPath(job.stored_file).stem}-errors.xlsx"


# Starting a job ------------------------------------------------------------------------------


def start_import(actor, uploaded, *, valid_rows_only: bool) -> ImportJob:
    """Store the upload under a random name, create the job, and queue it after the commit."""
    require(Scope.of(actor).has(IMPORT_PEOPLE), "您没有导入人员的权限")
    if uploaded is None:
        raise ValidationError("请选择要导入的文件")
    if uploaded.size > max_bytes():
        raise ValidationError(size_message(uploaded.size))
    suffix = PurePosixPath(uploaded.name.lower()).suffix
    stored = secrets.token_hex(16) + (suffix if suffix in ALLOWED_SUFFIXES else ".bin")
    with (import_dir() / stored).open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    from dangqun.people.tasks import run_import

    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor,
            file_name=PurePosixPath(uploaded.name).name[:200],
            stored_file=stored,
            valid_rows_only=valid_rows_only,
        )
        transaction.on_commit(lambda: run_import(job.pk))
    return job


# Planning ------------------------------------------------------------------------------------


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
        _apply_person(person, data)
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
            _apply_person(person, data)
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


# Writing -------------------------------------------------------------------------------------


class Writer:
    """Write planned rows chunk by chunk; each chunk is one transaction with its audit rows."""

    def __init__(self, job: ImportJob, actor):
        self.job = job
        self.actor = actor
        self.actor_name = actor.get_username()
        self.created = self.updated = 0

    def write(self, chunk: list[Plan]) -> None:
        """Call inside a transaction."""
        entries: list = []
        events: list[MemberEvent] = []
        new = [p for p in chunk if p.is_new]
        known = [p for p in chunk if not p.is_new]  # before the new ones get their pks
        self._create(new, entries, events)
        self._update(known, entries, events)
        insert_rows(MemberEvent, events)
        insert_rows(AuditLog, entries)

    def _create(self, plans: list[Plan], entries: list, events: list) -> None:
        if not plans:
            return
        profiles = {}
        for plan in plans:
            if plan.profile is not None:
                profiles[id(plan)] = self._new_profile(plan.person, plan.profile, events)
                plan.person.copy_party_profile(profiles[id(plan)])  # docs/decisions/0005
        insert_rows(Person, [plan.person for plan in plans])
        for plan in plans:
            entries.append(
                audit.build(
                    self.actor,
                    "person.create",
                    plan.person,
                    after=audit.snapshot(plan.person, PERSON_FIELDS),
                )
            )
        # each profile takes its person_id from its now saved person
        insert_rows(PartyProfile, list(profiles.values()))
        for profile in profiles.values():
            entries.append(
                audit.build(
                    self.actor, "party_profile.create", profile, after=audit.snapshot(profile)
                )
            )
        self.created += len(plans)

    def _new_profile(self, person: Person, values: dict, events: list) -> PartyProfile:
        """As ``services._save_profile``: the profile, its 入党 and 转正 events."""
        profile = PartyProfile(person=person, **{k: values[k] for k in PROFILE_KEYS})
        events.append(
            MemberEvent(
                person=person,
                type=MemberEvent.Type.JOINED,
                on=profile.joined_on,
                to_branch=profile.branch,
                note="建档",
                actor_name=self.actor_name,
            )
        )
        if profile.full_member_on:
            events.append(
                MemberEvent(
                    person=person,
                    type=MemberEvent.Type.CONFIRMED,
                    on=profile.full_member_on,
                    to_branch=profile.branch,
                    actor_name=self.actor_name,
                )
            )
        return profile

    def _update(self, plans: list[Plan], entries: list, events: list) -> None:
        """Re-read the people under a lock and apply the rows to them: a concurrent edit to
        another field is kept, and the audit rows show the real before and after."""
        if not plans:
            return
        ids = [plan.person.pk for plan in plans]
        fresh = Person.objects.select_for_update().in_bulk(ids)
        profiles = {
            p.person_id: p
            for p in PartyProfile.objects.select_for_update().filter(person_id__in=ids)
        }
        now = timezone.now()
        changed_people: dict[int, Person] = {}
        changed_fields: set[str] = set()
        new_profiles: list[PartyProfile] = []
        changed_profiles: list[PartyProfile] = []
        for plan in plans:
            person = fresh[plan.person.pk]
            before = audit.snapshot(person, TRACKED)
            for name in plan.fields:  # values computed by _apply_person when planning
                setattr(person, name, getattr(plan.person, name))
            before, after = audit.diff(before, audit.snapshot(person, TRACKED))
            touched = bool(after)
            if after:
                person.updated_at = now
                changed_people[person.pk] = person
                changed_fields.update(plan.fields)
                if "id_number_hash" in after:
                    before["id_number_hash"] = after["id_number_hash"] = "（已变更）"
                entries.append(
                    audit.build(self.actor, "person.update", person, before=before, after=after)
                )
            if plan.profile is not None:
                current = profiles.get(person.pk)
                if current is None:
                    current = self._new_profile(person, plan.profile, events)
                    new_profiles.append(current)
                    touched = True
                elif self._change_profile(current, person, plan.profile, entries, events):
                    changed_profiles.append(current)
                    touched = True
                copied = person.copy_party_profile(current)  # docs/decisions/0005
                if copied:
                    person.updated_at = now
                    changed_people[person.pk] = person
                    changed_fields.update(copied)
            self.updated += touched
        if changed_people:
            fields = sorted({Person._meta.get_field(name).name for name in changed_fields})
            bulk_update(Person, list(changed_people.values()), [*fields, "updated_at"])
        insert_rows(PartyProfile, new_profiles)
        for profile in new_profiles:
            entries.append(
                audit.build(
                    self.actor, "party_profile.create", profile, after=audit.snapshot(profile)
                )
            )
        if changed_profiles:
            bulk_update(
                PartyProfile,
                changed_profiles,
                [f.removesuffix("_id") for f in IMPORTED_PROFILE_FIELDS],
            )

    def _change_profile(self, profile, person, values, entries, events) -> bool:
        """As ``services.set_party_profile``: an internal-move event when the branch changes."""
        before = audit.snapshot(profile, PROFILE_FIELDS)
        for key in PROFILE_KEYS:
            setattr(profile, key, values[key])
        before, after = audit.diff(before, audit.snapshot(profile, PROFILE_FIELDS))
        if not after:
            return False
        if "branch_id" in after and profile.is_current:
            events.append(
                MemberEvent(
                    person=person,
                    type=MemberEvent.Type.INTERNAL_MOVE,
                    on=timezone.localdate(),
                    from_branch_id=before["branch_id"],
                    to_branch=profile.branch,
                    actor_name=self.actor_name,
                )
            )
        profile.person = person
        entries.append(
            audit.build(self.actor, "party_profile.update", profile, before=before, after=after)
        )
        return True


# Running a job -------------------------------------------------------------------------------


def _progress(job: ImportJob, **fields) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _error_list(rows: list[ParsedRow]) -> list[dict]:
    return [
        {"row": row.number, "column": column, "message": message}
        for row in rows
        for column, message in row.errors
    ]


def run_job(job_id: int) -> None:
    """Process one queued import job (called by the Huey task)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.VALIDATING
    )
    if not claimed:
        return  # unknown, or already taken by another worker
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    path = import_dir() / job.stored_file
    try:
        _run(job, path)
    except ImportFileError as exc:
        _finish(
            job,
            Status.INVALID,
            message=str(exc),
            errors=[{"row": None, "column": "", "message": str(exc)}],
        )
    except Exception:
        logger.exception("import job %s failed", job.pk)
        written = job.created_count + job.updated_count
        _finish(
            job,
            Status.FAILED,
            message=(
                f"导入中断：已写入 {written} 人，其余未写入。请稍后重新导入同一文件，"
                "已写入的人员不会重复。如仍失败，请联系系统管理员。"
                if job.status == Status.IMPORTING
                else "处理文件时发生内部错误，未导入任何数据。请联系系统管理员。"
            ),
        )
    finally:
        path.unlink(missing_ok=True)


def _finish(job: ImportJob, status: str, **fields) -> None:
    _progress(job, status=status, finished_at=timezone.now(), **fields)


def _run(job: ImportJob, path: Path) -> None:
    actor = job.created_by
    if not Scope.of(actor).has(IMPORT_PEOPLE):
        raise ImportFileError("您已没有导入人员的权限")
    started = time.perf_counter()
    table = read_table(path, job.file_name)
    _progress(job, total_rows=len(table.rows), processed_rows=0)
    read_at = time.perf_counter()
    planner = Planner(actor)
    rows, plans = planner.run(table, on_progress=lambda n: _progress(job, processed_rows=n))
    planned_at = time.perf_counter()
    invalid = [row for row in rows if row.errors]
    errors = _error_list(invalid)
    fields = {"errors": errors[:MAX_STORED_ERRORS]}
    if invalid:
        import_sheets.write_error_file(error_file_path(job), table.header, invalid)
    summary = f"共 {len(rows)} 行"
    if invalid:
        summary += f"，其中 {len(invalid)} 行有错误（{len(errors)} 处）"
        if len(errors) > MAX_STORED_ERRORS:
            summary += f"，下表列出前 {MAX_STORED_ERRORS} 处，全部错误见错误文件"
    if invalid and not job.valid_rows_only:
        _finish(
            job,
            Status.INVALID,
            message=summary + "。未导入任何数据：请修改后重新上传，或选择“仅导入无误的行”。",
            processed_rows=len(rows),
            **fields,
        )
        return
    changing = [plan for plan in plans if plan.is_change]
    unchanged = len(plans) - len(changing)
    # The bar now counts rows done: those with nothing to write are done already.
    skipped = len(rows) - len(changing)
    _progress(
        job,
        status=Status.IMPORTING,
        processed_rows=skipped,
        unchanged_count=unchanged,
        **fields,
    )
    writer = Writer(job, actor)
    with transaction.atomic():
        audit.record(
            actor,
            "people.import",
            job,
            after={
                "file_name": job.file_name,
                "rows": len(rows),
                "invalid_rows": len(invalid),
                "to_write": len(changing),
                "unchanged": unchanged,
                "valid_rows_only": job.valid_rows_only,
            },
        )
    for start in range(0, len(changing), CHUNK):
        with transaction.atomic():
            writer.write(changing[start : start + CHUNK])
            _progress(
                job,
                processed_rows=skipped + min(len(changing), start + CHUNK),
                created_count=writer.created,
                updated_count=writer.updated,
            )
    logger.info(
        "import %s: %d rows read in %.1f s, checked in %.1f s, %d written in %.1f s",
        job.pk,
        len(rows),
        read_at - started,
        planned_at - read_at,
        len(changing),
        time.perf_counter() - planned_at,
    )
    message = (
        summary + f"：新增 {writer.created} 人，更新 {writer.updated} 人，未变化 {unchanged} 人"
    )
    if invalid:
        message += f"；有错误的 {len(invalid)} 行未导入，请下载错误文件，修改后重新导入"
    _finish(job, Status.DONE, message=message + "。", processed_rows=len(rows))
