"""The home page (head counts and structure findings in the user's scope), the audit log and the
health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangqun.accounts.roles import VIEW_ORGS, VIEW_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core.paging import query_without_page
from dangqun.orgs import checks
from dangqun.orgs import services as org_services
from dangqun.people import services as people_services
from dangqun.web import audit_search
from dangqun.web.htmx import render_page


def people_counts(user) -> dict[str, int]:
    """Head counts for the home page in one aggregate query over the people the user may see."""
    today = timezone.localdate()
    current = Q(is_current_member=True)
    probationary = Q(party_profile__full_member_on__isnull=True) | Q(
        party_profile__full_member_on__gt=today
    )
    return people_services.visible_to(user).aggregate(
        people_count=Count("pk"),
        member_count=Count("pk", filter=current),
        probationary_count=Count("pk", filter=current & probationary),
        lost_count=Count("pk", filter=current & Q(party_profile__lost_contact_on__isnull=False)),
    )


@login_required
def home(request):
    scope = Scope.of(request.user)
    context = {"scope_roles": sorted(scope.roles())}
    if scope.has(VIEW_ORGS):
        orgs = list(
            org_services.visible_to(request.user)
            .active()
            .only("pk", "name", "path", "kind", "system", "depth")
        )
        findings = checks.findings_for(orgs)
        context.update(org_count=len(orgs), findings=findings[:100], finding_count=len(findings))
    if scope.has(VIEW_PEOPLE):
        context.update(people_counts(request.user))
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
def healthz(request):
    """For load balancers and monitors: the process answers (no database, no session)."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")
