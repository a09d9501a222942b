"""People's import as a kind of import (``core.imports``): importing people is a right of its own,
a job runs in the Huey task ``people.tasks.run_import``, its error file's download is audited as
``people.import_error_file``."""

from __future__ import annotations

from dangqun.accounts.roles import IMPORT_PEOPLE
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.core.imports.jobs import ImportKind
from dangqun.people.imports import sheets
from dangqun.people.models import ImportJob
from dangqun.people.tasks import run_import


class PeopleImports(ImportKind):
    model = ImportJob
    error_file_name = "导入错误-{pk}.xlsx"
    template_file_name = "人员导入模板.xlsx"
    counts = (
        ("count-created", "新增", "created_count"),
        ("count-updated", "更新", "updated_count"),
        ("count-unchanged", "未变化", "unchanged_count"),
    )

    def require_import(self, user) -> None:
        """Importing people is a right of its own; without it, 403."""
        require(Scope.of(user).has(IMPORT_PEOPLE), "您没有导入人员的权限")

    def enqueue(self, job_id: int) -> None:
        run_import(job_id)

    def audit_error_file(self, user, job) -> None:
        audit.record(user, "people.import_error_file", job, after={"file_name": job.file_name})

    def template(self, user) -> bytes:
        return sheets.template_workbook(user)


IMPORTS = PeopleImports()
