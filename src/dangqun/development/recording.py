"""Recording the steps of a 发展党员 case, and the documents filed with them: each step checked
against who records it and the rules, written with its audit row in one transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangqun.core import audit, filestore
from dangqun.development import checks, probation
from dangqun.development.bookkeeping import keep_due, locked, refuse
from dangqun.development.models import Case, CaseFile, Helper, StepRecord
from dangqun.development.services import FOLDER, MAX_TEXT, approving_org, require_record
from dangqun.development.steps import APPROVALS, COMMITTEE, STEPS, VOTES
from dangqun.orgs.models import Org

HELPER_STEPS = {5: Helper.Role.CONTACT, 9: Helper.Role.INTRODUCER}
FILED_ABOVE = 18  # 再上一级党委组织部门备案


def record_step(actor, case: Case, number: int, on: dt.date, data: dict | None = None) -> Case:
    """Record step ``number`` done on ``on``. ``data`` carries what the step decides:
    ``people`` (培养联系人, 入党介绍人), ``conclusion`` and ``qualified`` (政审), ``days`` and
    ``hours`` (集中培训), ``approved`` (审批), and a ``note``. Votes go through ``record_vote``."""
    data = dict(data or {})
    files = data.pop("files", None) or []
    if number not in STEPS or number == 1:
        raise ValidationError("没有这个步骤")
    if number in VOTES:
        raise ValidationError("请录入支部大会的表决结果")
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    note = (data.pop("note", "") or "").strip()
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": f"情况说明不能超过 {MAX_TEXT} 个字"})
    require_record(actor, case, number)  # before anything is written; again under the lock
    stored = filestore.store(files, FOLDER)
    with transaction.atomic():
        case = locked(case)
        require_record(actor, case, number)
        facts = checks.Facts.of(case)
        refuse(checks.refusals(facts, number, on, data))
        details = _details(number, data)
        _file_rows(actor, case, number, stored)
        org = _acting_org(case, number)
        StepRecord.objects.create(
            case=case, number=number, done_on=on, org=org, actor=actor, note=note, details=details
        )
        if number in HELPER_STEPS:
            Helper.objects.bulk_create(
                Helper(case=case, person=p, role=HELPER_STEPS[number], since=on)
                for p in data["people"]
            )
        case.step = max(case.step, number)
        if number in APPROVALS:
            probation.apply_decision(actor, case, number, on, details["approved"])
        keep_due(case)
        audit.record(
            actor,
            "development.step",
            case,
            after={"step": number, "on": on, **details, "note": note, "files": _names(stored)},
        )
    return case


def add_files(actor, case: Case, number: int, files) -> list[CaseFile]:
    """Documents of a step already done (a talk record, the 入党志愿书…), by whoever may record
    that step. Nothing is removed: the dossier keeps what was filed."""
    if not files:
        raise ValidationError({"files": "请选择文件"})
    require_record(actor, case, number)
    stored = filestore.store(list(files), FOLDER)
    with transaction.atomic():
        case = locked(case)
        if not StepRecord.objects.filter(case=case, number=number).exists():
            raise ValidationError({"files": f"“{STEPS[number].name}”尚未办理"})
        rows = _file_rows(actor, case, number, stored)
        audit.record(
            actor, "development.files", case, after={"step": number, "files": _names(stored)}
        )
    return rows


def sweep_orphan_files(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete stored case files no row names (left by a transaction that failed)."""
    known = set(CaseFile.objects.values_list("file", flat=True))
    return filestore.sweep_orphans(FOLDER, known, older_than)


def _file_rows(actor, case: Case, number: int, stored) -> list[CaseFile]:
    return CaseFile.objects.bulk_create(
        CaseFile(case=case, step=number, uploaded_by=actor, **f.fields) for f in stored
    )


def _names(stored) -> list[str]:
    return [f.name for f in stored]


def _details(number: int, data: dict) -> dict:
    if number in HELPER_STEPS:
        return {"people": [p.name for p in data.get("people") or []]}
    if number == 10:
        return {"conclusion": data["conclusion"].strip(), "qualified": bool(data.get("qualified"))}
    if number == 11:
        days, hours = data.get("days") or 0, data.get("hours") or 0
        if days < 0 or hours < 0 or (not days and not hours):
            raise ValidationError({"days": "请填写集中培训的天数或学时"})
        return {"days": days, "hours": hours}
    if number in APPROVALS:
        if data.get("approved") is None:
            raise ValidationError({"approved": "请选择审批结果"})
        return {"approved": bool(data["approved"])}
    return {}


def _acting_org(case: Case, number: int) -> Org:
    """The branch, the approving 党委, or for step ⑱ the level above it (再上一级党委组织部门备案,
    filed there by the approving 党委)."""
    if STEPS[number].by != COMMITTEE:
        return case.branch
    approver = approving_org(case.branch)
    if number == FILED_ABOVE:
        above = Org.objects.filter(path__in=approver.ancestor_paths()).order_by("-depth").first()
        return above or approver
    return approver
