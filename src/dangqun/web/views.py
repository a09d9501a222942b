"""The home page (head counts and structure findings in the user's scope), the audit log and the
health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.views.decorators.http import require_GET

from dangqun.accounts.roles import VIEW_ORGS, VIEW_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core.paging import query_without_page
from dangqun.orgs import checks
from dangqun.people import services as people_services
from dangqun.web import audit_search, userguide
from dangqun.web.htmx import render_page


@login_required
def home(request):
    scope = Scope.of(request.user)
    context = {"scope_roles": sorted(scope.roles())}
    if scope.has(VIEW_ORGS):
        orgs, findings = checks.findings_visible_to(request.user)
        context.update(org_count=len(orgs), findings=findings[:100], finding_count=len(findings))
    if scope.has(VIEW_PEOPLE):
        context.update(people_services.head_counts(request.user))
    return render_page(request, "web/home.html", context)


AUDIT_PAGE_SIZE = 50


@login_required
@require_GET
def audit_log(request):
    params = audit_search.params_of(request.GET)
    try:
        rows = audit_search.search(request.user, params)
    except ValidationError as exc:  # a day that is no date: say so, list without it
        for message in exc.messages:
            messages.error(request, message)
        rows = audit_search.search(request.user, {**params, "start": "", "end": ""})
    page = Paginator(rows, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "web/audit.html",
        {"page": page, "params": params, "query": query_without_page(request.GET)},
        partial="rows",
    )


@require_GET
def help_page(request):
    """使用说明: the user guide, for everyone (also a person who came by a poster's QR code)."""
    return render_page(request, "web/help.html", {"guide": userguide.guide()})


@require_GET
def healthz(request):
    """For load balancers and monitors: the process answers (no database, no session)."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")
