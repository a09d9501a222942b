"""One kind of import (``ImportKind``) and what the owner of its jobs does: start a job from an
upload, see their latest jobs, find one of their own (anyone else gets 404), download its error
file. Pages (``views``) and the API (``api/imports.py``) both go through it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from dangqun.core.imports.files import (
    ERROR_FILE_DAYS,
    error_file_path,
    max_bytes,
    size_message,
    store_upload,
)

RECENT_JOBS = 10
SWEPT = f"错误文件已超过保留期限（{ERROR_FILE_DAYS} 天），已删除"


class ImportKind:
    """Subclassed once per import (``people.imports.jobs.PeopleImports``,
    ``voices.import_jobs.VoiceImports``); an instance is the import's entry point."""

    model: type  # a subclass of ``core.imports.models.ImportJobFields``
    error_file_name: str  # the download's name, with ``{pk}``
    template_file_name: str
    # the status page's counts: (element id, label, job field), shown once the job has finished
    counts: tuple[tuple[str, str, str], ...]
    # the progress line names the step (已校验 … while checking, 排队中… before it starts)
    progress_by_step = False

    def require_import(self, user) -> None:
        """Raise ``PermissionDenied`` (403) unless the user may use this import."""
        raise NotImplementedError

    def enqueue(self, job_id: int) -> None:
        """Queue the job's Huey task (called after the commit that created or re-armed it)."""
        raise NotImplementedError

    def audit_error_file(self, user, job) -> None:
        """Write the audit row of an error file's download (each import has its own code)."""
        raise NotImplementedError

    def template(self, user) -> bytes:
        """The blank xlsx to fill in."""
        raise NotImplementedError

    def recent_jobs(self, user):
        """The user's own latest jobs, newest first."""
        return self.model.objects.filter(created_by=user).order_by("-created_at")[:RECENT_JOBS]

    def require_own_job(self, user, pk: int):
        """Jobs belong to the user who uploaded them; anyone else gets 404."""
        self.require_import(user)
        job = self.model.objects.filter(created_by=user).filter(pk=pk).first()
        if job is None:
            raise Http404("不存在或无权查看")  # as ``accounts.scope.get_in_scope`` says it
        return job

    def start(self, actor, uploaded, **options):
        """Store the upload under a random name, create the job with the import's options (at
        least ``valid_rows_only``), and queue it after the commit."""
        self.require_import(actor)
        if uploaded is None:
            raise ValidationError("请选择要导入的文件")
        if uploaded.size > max_bytes():
            raise ValidationError(size_message(uploaded.size))
        stored = store_upload(uploaded)
        with transaction.atomic():
            job = self.model.objects.create(
                created_by=actor,
                file_name=PurePosixPath(uploaded.name).name[:200],
                stored_file=stored,
                **options,
            )
            transaction.on_commit(lambda: self.enqueue(job.pk))
        return job

    def download_error_file(self, user, pk: int) -> tuple[object, Path]:
        """The error file of the user's own job, its download audited; 404 when there is none."""
        job = self.require_own_job(user, pk)
        if not job.stored_file:
            raise Http404(SWEPT)
        path = error_file_path(job)
        if not path.exists():
            raise Http404("没有错误文件")
        self.audit_error_file(user, job)
        return job, path
