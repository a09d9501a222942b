"""Import wizard: upload → background validation and writing with progress → report (the steps
are ``core.imports.views``')."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from dangqun.core.imports import views as imports
from dangqun.core.imports.files import max_bytes
from dangqun.people.imports.jobs import IMPORTS
from dangqun.web.htmx import render_page


@csrf_exempt  # the token is checked by imports.start, after the size-limiting handler is in place
@login_required
def import_start(request):
    return imports.start(request, IMPORTS, page=_start_page, status_url="people:import_status")


def _start_page(request, error: str = "", status: int = 200):
    return render_page(
        request,
        "people/import_start.html",
        {
            "jobs": IMPORTS.recent_jobs(request.user),
            "error": error,
            "max_mb": max_bytes() // 1024 // 1024,
        },
        status=status,
    )


@require_GET
@login_required
def import_template(request):
    return imports.template(request, IMPORTS)


@require_GET
@login_required
def import_status(request, pk: int):
    job = IMPORTS.require_own_job(request.user, pk)
    context = imports.status_context(IMPORTS, job)
    return render_page(request, "people/import_status.html", context, partial="status")


@require_GET
@login_required
def import_error_file(request, pk: int):
    return imports.error_file(request, IMPORTS, pk)
