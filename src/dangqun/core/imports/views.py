"""The import pages' shared steps; each import's views keep their decorators, templates and
options and call these. The status page includes ``imports/_progress.html`` while the job runs and
``imports/_report.html`` once it has finished, with ``status_context``."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_protect

from dangqun.core.imports.files import SizeLimitHandler, size_message
from dangqun.core.imports.jobs import SWEPT, ImportKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# page(request, error="", status=200): the start page, again with the refusal when there is one
StartPage = Callable[..., HttpResponse]


def start(
    request,
    kind: ImportKind,
    *,
    page: StartPage,
    status_url: str,
    options: Callable[[object], dict] | None = None,
):
    """The start page, or the upload: stopped at the size limit while it streams in (413), then
    the CSRF token checked, then the job started (with ``options(request)``, the import's own
    options besides 仅导入无误的行) and the browser sent to ``status_url``. The view calling it
    is ``csrf_exempt``: the token is checked here, after the limiter is in place."""
    kind.require_import(request.user)
    if request.method != "POST":
        return page(request)
    limiter = SizeLimitHandler(request)
    request.upload_handlers.insert(0, limiter)
    return _upload(request, kind, limiter, page, options, status_url)


@csrf_protect
def _upload(request, kind: ImportKind, limiter: SizeLimitHandler, page, options, status_url):
    uploaded = request.FILES.get("file")  # parse the body (through the limiter) first
    if limiter.too_large:
        return page(request, size_message(limiter.received), status=413)
    try:
        job = kind.start(
            request.user,
            uploaded,
            valid_rows_only=request.POST.get("valid_only") == "1",
            **(options(request) if options else {}),
        )
    except ValidationError as exc:
        return page(request, "；".join(exc.messages), status=400)
    messages.info(request, f"已收到文件“{job.file_name}”，正在校验。")
    return redirect(status_url, pk=job.pk)


def status_context(kind: ImportKind, job) -> dict:
    """What the status partials read: the job, whether it still runs (the page polls), its row
    errors, whether it has an error file, its counts and how the progress line speaks."""
    return {
        "job": job,
        "running": job.running,
        "row_errors": [e for e in job.errors if e.get("row")],
        "has_error_file": job.has_error_file,
        "error_file_swept": job.had_error_file and not job.has_error_file and SWEPT,
        "counts": [(key, label, getattr(job, field)) for key, label, field in kind.counts],
        "progress_by_step": kind.progress_by_step,
    }


def error_file(request, kind: ImportKind, pk: int) -> FileResponse:
    job, path = kind.download_error_file(request.user, pk)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=kind.error_file_name.format(pk=job.pk),
        content_type=XLSX,
    )


def template(request, kind: ImportKind) -> HttpResponse:
    kind.require_import(request.user)
    response = HttpResponse(kind.template(request.user), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, kind.template_file_name)
    return response
