"""Import wizard: upload → background validation and writing with progress → report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from dangqun.people.imports import jobs, sheets
from dangqun.people.imports.read import max_bytes, size_message
from dangqun.web.htmx import render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MULTIPART_SLACK = 64 * 1024  # room for the form fields and multipart boundaries


class SizeLimitHandler(FileUploadHandler):
    """Stop storing an upload as soon as it passes the size limit.

    The rest of the body is drained unstored, so the browser still gets the page with the message.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > max_bytes() + MULTIPART_SLACK:
            self.too_large = True
            self.received = content_length

    def receive_data_chunk(self, raw_data, start):
        self.received = max(self.received, start + len(raw_data))
        if self.too_large or start + len(raw_data) > max_bytes():
            self.too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt  # the token is checked below, after the size-limiting handler is in place
@login_required
def import_start(request):
    jobs.require_import(request.user)
    if request.method == "POST":
        limiter = SizeLimitHandler(request)
        request.upload_handlers.insert(0, limiter)
        return _upload(request, limiter)
    return _start_page(request)


def _start_page(request, error: str = "", status: int = 200):
    return render_page(
        request,
        "people/import_start.html",
        {
            "jobs": jobs.recent_jobs(request.user),
            "error": error,
            "max_mb": max_bytes() // 1024 // 1024,
        },
        status=status,
    )


@csrf_protect
def _upload(request, limiter: SizeLimitHandler):
    uploaded = request.FILES.get("file")  # parse the body (through the limiter) first
    if limiter.too_large:
        return _start_page(request, size_message(limiter.received), status=413)
    try:
        job = jobs.start_import(
            request.user,
            uploaded,
            valid_rows_only=request.POST.get("valid_only") == "1",
        )
    except ValidationError as exc:
        return _start_page(request, "；".join(exc.messages), status=400)
    messages.info(request, f"已收到文件“{job.file_name}”，正在校验。")
    return redirect("people:import_status", pk=job.pk)


@require_GET
@login_required
def import_template(request):
    jobs.require_import(request.user)
    response = HttpResponse(sheets.template_workbook(request.user), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "人员导入模板.xlsx")
    return response


@require_GET
@login_required
def import_status(request, pk: int):
    job = jobs.require_own_job(request.user, pk)
    has_error_file = job.status in (job.Status.INVALID, job.Status.DONE) and bool(job.errors)
    return render_page(
        request,
        "people/import_status.html",
        {
            "job": job,
            "running": job.status
            in (job.Status.PENDING, job.Status.VALIDATING, job.Status.IMPORTING),
            "row_errors": [e for e in job.errors if e.get("row")],
            "has_error_file": has_error_file,
        },
        partial="status",
    )


@require_GET
@login_required
def import_error_file(request, pk: int):
    job, path = jobs.download_error_file(request.user, pk)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"导入错误-{job.pk}.xlsx",
        content_type=XLSX,
    )
