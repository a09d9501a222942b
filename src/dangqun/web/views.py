"""The home page (the 工作台's cards), the audit log and the health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangqun.accounts.scope import Scope
from dangqun.core import cards
from dangqun.core.paging import query_without_page
from dangqun.web import audit_search, userguide
from dangqun.web.htmx import render_page


@login_required
def home(request):
    """The 工作台: the registered cards the user sees (``core.cards``), each saying what to do
    next; no domain app is named here (decision 0018)."""
    shown = cards.for_user(request.user, lazy=True)
    context = {
        "cards": shown,
        "charts": any(
            getattr(card, "chart", None) or getattr(card, "pending", False) for card in shown
        ),
        "has_roles": bool(Scope.of(request.user).roles()),
    }
    return render_page(request, "web/home.html", context)


@login_required
@require_GET
def workbench_card(request, key):
    """One slow card of the 工作台, loaded by HTMX right after the page (``Card.slow``): the card
    itself, or nothing when it has nothing to say; a card that is not the user's is not found."""
    if not cards.is_shown_to(request.user, key):
        raise Http404
    card = cards.compute_one(request.user, key)
    if card is None:
        return HttpResponse("")
    return render(request, "web/cards/_card.html", {"card": card})


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
