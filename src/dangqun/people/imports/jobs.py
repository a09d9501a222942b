"""Import jobs as their owner sees them: who may import, starting a job, finding one's own job,
and downloading its error file (audited)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from dangqun.accounts.roles import IMPORT_PEOPLE
from dangqun.accounts.scope import Scope, get_in_scope, require
from dangqun.core import audit
from dangqun.people.imports.files import error_file_path, store_upload
from dangqun.people.imports.read import max_bytes, size_message
from dangqun.people.models import ImportJob
from dangqun.people.tasks import run_import

RECENT_JOBS = 10


def require_import(user) -> None:
    """Importing people is a right of its own; without it, 403."""
    require(Scope.of(user).has(IMPORT_PEOPLE), "您没有导入人员的权限")


def recent_jobs(user):
    """The user's own latest jobs, newest first."""
    return ImportJob.objects.filter(created_by=user).order_by("-created_at")[:RECENT_JOBS]


def require_own_job(user, pk: int) -> ImportJob:
    """Jobs belong to the user who uploaded them; anyone else gets 404."""
    require_import(user)
    return get_in_scope(ImportJob.objects.filter(created_by=user), pk=pk)


def start_import(actor, uploaded, *, valid_rows_only: bool) -> ImportJob:
    """Store the upload under a random name, create the job, and queue it after the commit."""
    require_import(actor)
    if uploaded is None:
        raise ValidationError("请选择要导入的文件")
    if uploaded.size > max_bytes():
        raise ValidationError(size_message(uploaded.size))
    stored = store_upload(uploaded)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor,
            file_name=PurePosixPath(uploaded.name).name[:200],
            stored_file=stored,
            valid_rows_only=valid_rows_only,
        )
        transaction.on_commit(lambda: run_import(job.pk))
    return job


def download_error_file(user, pk: int) -> tuple[ImportJob, Path]:
    """The error file of the user's own job, its download audited; 404 when there is none."""
    job = require_own_job(user, pk)
    path = error_file_path(job)
    if not path.exists():
        raise Http404("没有错误文件")
    audit.record(user, "people.import_error_file", job, after={"file_name": job.file_name})
    return job, path
