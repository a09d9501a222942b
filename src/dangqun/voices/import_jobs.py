"""Imports of past voices as their owner sees them, for the pages and the API: starting a job,
finding one's own, answering which existing category or unit each unknown name means, the error
file (audited) and the template. The stored files and the upload checks are the people import's
(``people.imports``)."""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, get_in_scope
from dangqun.core import audit
from dangqun.orgs.models import System
from dangqun.people.imports.files import error_file_path, store_upload
from dangqun.people.imports.read import max_bytes, size_message
from dangqun.voices import importer, services
from dangqun.voices.models import Category, VoiceImportJob
from dangqun.voices.tasks import run_voice_import

RECENT_JOBS = 10
MAX_UNIT_CHOICES = 3000
NO_RIGHT = "您无权导入群众呼声"
Status = VoiceImportJob.Status
RUNNING = (Status.PENDING, Status.VALIDATING, Status.IMPORTING)


def require_import(user) -> None:
    services.require_manager(user, NO_RIGHT)


def recent_jobs(user):
    return VoiceImportJob.objects.filter(created_by=user).order_by("-created_at")[:RECENT_JOBS]


def require_own_job(user, pk: int) -> VoiceImportJob:
    """Jobs belong to the user who uploaded them; anyone else gets 404."""
    require_import(user)
    return get_in_scope(VoiceImportJob.objects.filter(created_by=user), pk=pk)


def start_import(actor, uploaded, *, valid_rows_only: bool, history: bool = True):
    """Store the upload under a random name, create the job, and queue it after the commit."""
    require_import(actor)
    if uploaded is None:
        raise ValidationError("请选择要导入的文件")
    if uploaded.size > max_bytes():
        raise ValidationError(size_message(uploaded.size))
    stored = store_upload(uploaded)
    with transaction.atomic():
        job = VoiceImportJob.objects.create(
            created_by=actor,
            file_name=PurePosixPath(uploaded.name).name[:200],
            stored_file=stored,
            valid_rows_only=valid_rows_only,
            unanswered_as_history=history,
        )
        transaction.on_commit(lambda: run_voice_import(job.pk))
    return job


def category_choices() -> list[tuple[int, str]]:
    """What an unknown category name may be mapped to: 0 (no category) or an active category."""
    rows = Category.objects.filter(active=True).select_related("parent")
    return [(0, "（不设类别）"), *sorted(((c.pk, str(c)) for c in rows), key=lambda c: c[1])]


def unit_choices(user) -> list[tuple[int, str]]:
    """The enterprise units the user imports for, by tree order."""
    orgs = (
        Scope.of(user)
        .orgs(MANAGE_VOICES)
        .filter(system=System.ENTERPRISE, dissolved_on__isnull=True)
        .order_by("path")
        .values_list("pk", "name")[:MAX_UNIT_CHOICES]
    )
    return list(orgs)


def set_mapping(actor, job: VoiceImportJob, answers: dict[str, dict[str, int]]):
    """The owner's answer to the unknown names (kind → name → id); the job runs again with it.
    Every unknown name needs an answer among the offered choices."""
    with transaction.atomic():
        job = VoiceImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.MAPPING:
            raise ValidationError("该导入任务不在等待对应名称的状态")
        offered = {
            "category": {pk for pk, _ in category_choices()},
            "unit": {pk for pk, _ in unit_choices(actor)},
        }
        mapping, missing = {k: dict(v) for k, v in (job.mapping or {}).items()}, []
        for kind, entries in job.unknown.items():
            for entry in entries:
                chosen = (answers.get(kind) or {}).get(entry["name"])
                if chosen is None or int(chosen) not in offered[kind]:
                    missing.append(entry["name"])
                    continue
                mapping.setdefault(kind, {})[entry["name"]] = int(chosen)
        if missing:
            raise ValidationError(f"请为以下名称选择对应项：{'、'.join(missing)}")
        job.mapping, job.status, job.unknown = mapping, Status.PENDING, {}
        job.message = "已对应名称，正在重新校验。"
        job.save(update_fields=["mapping", "status", "unknown", "message"])
        audit.record(actor, "voice.import_mapping", job, after={"mapping": mapping})
        transaction.on_commit(lambda: run_voice_import(job.pk))
    return job


def download_error_file(user, pk: int) -> tuple[VoiceImportJob, Path]:
    """The error file of the user's own job, its download audited; 404 when there is none."""
    job = require_own_job(user, pk)
    path = error_file_path(job)
    if not path.exists():
        raise Http404("没有错误文件")
    audit.record(user, "voice.import_error_file", job, after={"file_name": job.file_name})
    return job, path


def template_workbook() -> bytes:
    """An empty xlsx with the headers (required ones marked *) and one example row."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("呼声")
    bold = book.add_format({"bold": True})
    example = [
        *("2024-0001", "2024-03-01 09:30", "诉求/求助", "意见箱", "匿名", ""),
        *("食堂排队时间长", "午餐排队超过 20 分钟", "（反映单位名称）", "食堂"),
        *("（承办单位名称）", "已增设两个窗口", "2024-03-05 16:00", "是", "满意"),
        "2024-03-06 10:00",
    ]
    for col, (name, (_, required)) in enumerate(importer.COLUMNS.items()):
        sheet.write(0, col, f"{name}*" if required else name, bold)
        sheet.write(1, col, example[col])
        sheet.set_column(col, col, 16)
    book.close()
    return out.getvalue()
