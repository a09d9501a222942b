"""导入历史呼声: upload → background checking with progress → mapping unknown names (when there
are any) → writing with progress → report, with the error file. The upload's size limit and the
stored files are the people import's (``people.imports``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from dangqun.people.imports.read import max_bytes, size_message
from dangqun.people.imports.views import XLSX, SizeLimitHandler
from dangqun.voices import import_jobs, importer
from dangqun.web.htmx import render_page


@csrf_exempt  # the token is checked below, after the size-limiting handler is in place
@login_required
@never_cache
def import_start(request):
    import_jobs.require_import(request.user)
    if request.GET.get("template"):
        response = HttpResponse(import_jobs.template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, "呼声导入模板.xlsx")
        return response
    if request.method == "POST":
        limiter = SizeLimitHandler(request)
        request.upload_handlers.insert(0, limiter)
        return _upload(request, limiter)
    return _start_page(request)


def _start_page(request, error: str = "", status: int = 200):
    return render_page(
        request,
        "voices/import.html",
        {
            "jobs": import_jobs.recent_jobs(request.user),
            "error": error,
            "max_mb": max_bytes() // 1024 // 1024,
            "columns": importer.COLUMNS,
        },
        status=status,
    )


@csrf_protect
def _upload(request, limiter: SizeLimitHandler):
    uploaded = request.FILES.get("file")  # parse the body (through the limiter) first
    if limiter.too_large:
        return _start_page(request, size_message(limiter.received), status=413)
    try:
        job = import_jobs.start_import(
            request.user,
            uploaded,
            valid_rows_only=request.POST.get("valid_only") == "1",
            history=request.POST.get("unanswered", "history") == "history",
        )
    except ValidationError as exc:
        return _start_page(request, "；".join(exc.messages), status=400)
    messages.info(request, f"已收到文件“{job.file_name}”，正在校验。")
    return redirect("voices:import_status", pk=job.pk)


def _status_context(request, job, error: str = "") -> dict:
    mapping = job.status == job.Status.MAPPING
    return {
        "job": job,
        "running": job.status in import_jobs.RUNNING,
        "row_errors": [e for e in job.errors if e.get("row")],
        "has_error_file": job.status in (job.Status.INVALID, job.Status.DONE) and bool(job.errors),
        "unknown_categories": job.unknown.get("category", []) if mapping else [],
        "unknown_units": job.unknown.get("unit", []) if mapping else [],
        "category_choices": import_jobs.category_choices() if mapping else [],
        "unit_choices": import_jobs.unit_choices(request.user)
        if mapping and job.unknown.get("unit")
        else [],
        "map_error": error,
    }


@require_GET
@login_required
def import_status(request, pk: int):
    job = import_jobs.require_own_job(request.user, pk)
    return render_page(
        request, "voices/import_status.html", _status_context(request, job), partial="status"
    )


@require_POST
@login_required
def import_map(request, pk: int):
    """The owner's choice for each unknown name (fields ``category-<i>`` and ``unit-<i>``, in the
    order the job lists them); the job then runs again."""
    job = import_jobs.require_own_job(request.user, pk)
    answers = {}
    for kind in ("category", "unit"):
        for i, entry in enumerate(job.unknown.get(kind, [])):
            value = request.POST.get(f"{kind}-{i}", "")
            if value.isascii() and value.lstrip("-").isdigit():
                answers.setdefault(kind, {})[entry["name"]] = int(value)
    try:
        import_jobs.set_mapping(request.user, job, answers)
    except ValidationError as exc:
        context = _status_context(request, job, "；".join(exc.messages))
        return render_page(request, "voices/import_status.html", context, status=422)
    messages.info(request, "已对应名称，正在重新校验并导入。")
    return redirect("voices:import_status", pk=job.pk)


@require_GET
@login_required
def import_error_file(request, pk: int):
    job, path = import_jobs.download_error_file(request.user, pk)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"呼声导入错误-{job.pk}.xlsx",
        content_type=XLSX,
    )
