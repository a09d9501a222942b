"""Account administration pages: accounts (system admin) and role grants (security admin). Each
change is an action of ``accounts.actions``; who may see and do what is decided in the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangqun.accounts import actions, services
from dangqun.core import actions as core_actions


@login_required
def account_list(request):
    q = request.GET.get("q", "").strip()
    users = services.search(request.user, q)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "can_manage": services.can_manage_accounts(request.user),
        "can_grant": services.can_grant_roles(request.user),
    }
    return render(request, "accounts/list.html", context)


@login_required
def account_create(request):
    services.require_creator(request.user)
    if request.method == "POST" and request.POST:
        outcome = actions.create(request.user, request.POST)
        if outcome.ok:
            messages.success(request, actions.NEW_ACTIONS["create"].done)
            return redirect("accounts:detail", pk=outcome.result.pk)
        form = outcome.form
    else:
        form = core_actions.build_form(actions.NEW_ACTIONS["create"], request.user, None)
    return render(request, "accounts/form.html", {"form": form, "title": "新建账号"})


@login_required
def account_detail(request, pk: int):
    account = services.require_visible(request.user, pk)
    form = None
    if core_actions.may(actions.ACTIONS, request.user, account, "edit"):
        if request.method == "POST" and request.POST:
            outcome = actions.run(request.user, account, "edit", request.POST)
            if outcome.ok:
                messages.success(request, actions.ACTIONS["edit"].done)
                return redirect("accounts:detail", pk=account.pk)
            form = outcome.form
        else:
            form = core_actions.build_form(actions.ACTIONS["edit"], request.user, account)
    can_grant = core_actions.may(actions.ACTIONS, request.user, account, "grant")
    context = {
        "account": account,
        "form": form,
        "grants": account.grants.select_related("org").order_by("role"),
        "grant_form": core_actions.build_form(actions.ACTIONS["grant"], request.user, account)
        if can_grant
        else None,
        "can_grant": can_grant,
    }
    return render(request, "accounts/detail.html", context)


@login_required
@require_POST
def grant_add(request, pk: int):
    account = services.require_grantable(request.user, pk)
    outcome = actions.run(request.user, account, "grant", request.POST)
    if outcome.ok:
        messages.success(request, actions.ACTIONS["grant"].done)
    else:  # the service's refusal as it reads, or the form's fields not chosen
        refusal = outcome.form.non_field_errors()
        messages.error(request, "；".join(refusal) if refusal else "请选择角色和组织。")
    return redirect("accounts:detail", pk=account.pk)


@login_required
@require_POST
def grant_remove(request, pk: int, grant_pk: int):
    grant = services.require_grant(request.user, pk, grant_pk)
    actions.revoke(request.user, grant)
    messages.success(request, actions.GRANT_ACTIONS["revoke"].done)
    return redirect("accounts:detail", pk=pk)
