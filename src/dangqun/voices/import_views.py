"""导入历史呼声: upload → background checking with progress → mapping unknown names (when there
are any) → writing with progress → report, with the error file (the shared steps are
``core.imports.views``')."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dangqun.core.imports import views as imports
from dangqun.core.imports.files import max_bytes
from dangqun.voices import import_jobs, importer
from dangqun.voices.import_jobs import IMPORTS
from dangqun.web.htmx import render_page


@csrf_exempt  # the token is checked by imports.start, after the size-limiting handler is in place
@login_required
@never_cache
def import_start(request):
    if request.GET.get("template"):
        return imports.template(request, IMPORTS)
    return imports.start(
        request,
        IMPORTS,
        page=_start_page,
        options=_options,
        status_url="voices:import_status",
    )


def _options(request) -> dict:
    return {"unanswered_as_history": request.POST.get("unanswered", "history") == "history"}


def _start_page(request, error: str = "", status: int = 200):
    return render_page(
        request,
        "voices/import.html",
        {
            "jobs": IMPORTS.recent_jobs(request.user),
            "error": error,
            "max_mb": max_bytes() // 1024 // 1024,
            "columns": importer.COLUMNS,
        },
        status=status,
    )


def _status_context(request, job, error: str = "") -> dict:
    if job.status != job.Status.MAPPING:
        return imports.status_context(IMPORTS, job)
    return {
        **imports.status_context(IMPORTS, job),
        "waiting": "voices/_import_mapping.html",
        "unknown_categories": job.unknown.get("category", []),
        "unknown_units": job.unknown.get("unit", []),
        "category_choices": import_jobs.category_choices(),
        "unit_choices": import_jobs.unit_choices(request.user) if job.unknown.get("unit") else [],
        "map_error": error,
    }


@require_GET
@login_required
def import_status(request, pk: int):
    job = IMPORTS.require_own_job(request.user, pk)
    return render_page(
        request, "voices/import_status.html", _status_context(request, job), partial="status"
    )


@require_POST
@login_required
def import_map(request, pk: int):
    """The owner's choice for each unknown name (fields ``category-<i>`` and ``unit-<i>``, in the
    order the job lists them); the job then runs again."""
    job = IMPORTS.require_own_job(request.user, pk)
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
    return imports.error_file(request, IMPORTS, pk)
