"""Pages of 群众点单·党员接单: the orders board (open orders, claim), one order, raising an order
from a voice (the button on the voice's page for its mass-work admins) and the monthly list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangqun.activities import order_actions, order_figures, order_forms, orders
from dangqun.activities import services as activities
from dangqun.activities.models import OrderStatus
from dangqun.voices import services as voices
from dangqun.web.htmx import render_page

SHOWS = [("open", "待接单"), ("mine", "我接的单"), ("all", "全部")]


@login_required
def board(request):
    show = request.GET.get("show", "open")
    if show not in dict(SHOWS):
        show = "open"
    rows = orders.visible_to(request.user).select_related("org", "activity")
    if show == "open":
        rows = rows.filter(status=OrderStatus.OPEN)
    elif show == "mine":
        rows = rows.filter(claimed_by=request.user)
    context = {
        "orders": list(rows[:100]),
        "show": show,
        "shows": SHOWS,
        "may_claim": orders.may_claim(request.user),
        "may_read_figures": order_figures.may_read(request.user),
    }
    return render_page(request, "activities/orders/board.html", context)


@login_required
def detail(request, pk: int, bound: dict | None = None, status: int = 200):
    order = orders.require_visible(request.user, pk)
    user, bound = request.user, bound or {}
    may_claim = order.status == OrderStatus.OPEN and orders.may_claim(user)
    may_cancel = order.status == OrderStatus.OPEN and orders.may_order(user, order.voice)
    activity = order.activity
    claim_form = bound.get("claim") or order_forms.ClaimForm(
        user=user, initial={"place": order.place}
    )
    context = {
        "order": order,
        "claim_form": claim_form if may_claim else None,
        "cancel_form": (bound.get("cancel") or order_forms.CancelForm()) if may_cancel else None,
        "voice_seen": voices.visible_to(user).filter(pk=order.voice_id).exists(),
        "activity_seen": activity is not None
        and activities.visible_to(user).filter(pk=activity.pk).exists(),
    }
    return render_page(request, "activities/orders/detail.html", context, status=status)


@login_required
@require_POST
def act(request, pk: int, action: str):
    if action not in order_actions.ORDER_ACTIONS:
        raise Http404
    order = orders.require_visible(request.user, pk)
    outcome = order_actions.run(request.user, order, action, request.POST)
    if not outcome.ok:
        return detail(request, pk, bound={action: outcome.form}, status=422)
    messages.success(request, order_actions.ORDER_ACTIONS[action].done)
    return redirect("activities:order", pk)


@login_required
def new(request, voice_pk: int):
    """Raise an order from a voice: for its mass-work admins (others: 403 in Chinese)."""
    voice = voices.require_visible(request.user, voice_pk)
    existing = orders.open_order_of(voice)
    if existing is not None:
        messages.info(request, orders.ALREADY)
        return redirect("activities:order", existing.pk)
    if request.method == "POST":
        outcome = order_actions.run(request.user, voice, "order", request.POST)
        if outcome.ok:
            messages.success(request, order_actions.VOICE_ACTIONS["order"].done)
            return redirect("activities:order", outcome.result.pk)
        form, status = outcome.form, 422
    else:
        if not orders.may_order(request.user, voice):
            raise PermissionDenied("您无权将该呼声转为服务需求")
        form = order_forms.OrderForm(user=request.user, initial=orders.initial_for(voice))
        status = 200
    context = {"voice": voice, "form": form}
    return render_page(request, "activities/orders/new.html", context, status=status)


@login_required
def monthly(request):
    month = order_figures.parse_month(request.GET.get("month"))
    error = ""
    if month is None:
        error, month = order_figures.BAD_MONTH, order_figures.parse_month("")
    rows, total = order_figures.monthly(request.user, month)
    context = {
        "rows": rows,
        "total": total,
        "month": month,
        "error": error,
        "board": reverse("activities:orders"),
    }
    return render_page(request, "activities/orders/monthly.html", context)
