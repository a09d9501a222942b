"""Imports of past voices as a kind of import (``core.imports``), for the pages and the API:
managing voices somewhere is the right to import, a job runs in the Huey task
``voices.tasks.run_voice_import``, its error file's download is audited as
``voice.import_error_file``; and what only this import has: answering which existing category or
unit each unknown name means, and its template."""

from __future__ import annotations

import io

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db import transaction

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope
from dangqun.core import audit
from dangqun.core.imports.jobs import ImportKind
from dangqun.orgs.models import System
from dangqun.voices import importer, services
from dangqun.voices.models import Category, VoiceImportJob
from dangqun.voices.tasks import run_voice_import

MAX_UNIT_CHOICES = 3000
NO_RIGHT = "您无权导入群众呼声"
Status = VoiceImportJob.Status


class VoiceImports(ImportKind):
    model = VoiceImportJob
    error_file_name = "呼声导入错误-{pk}.xlsx"
    template_file_name = "呼声导入模板.xlsx"
    counts = (
        ("count-created", "新增", "created_count"),
        ("count-history", "其中历史记录", "history_count"),
        ("count-unchanged", "此前已导入", "unchanged_count"),
    )
    progress_by_step = True

    def require_import(self, user) -> None:
        services.require_manager(user, NO_RIGHT)

    def enqueue(self, job_id: int) -> None:
        run_voice_import(job_id)

    def audit_error_file(self, user, job) -> None:
        audit.record(user, "voice.import_error_file", job, after={"file_name": job.file_name})

    def template(self, user) -> bytes:
        return template_workbook()


IMPORTS = VoiceImports()


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
        transaction.on_commit(lambda: IMPORTS.enqueue(job.pk))
    return job


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
