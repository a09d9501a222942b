"""Pages that change organisations: add a child, edit, move, dissolve, elect a term, appoint and
end posts. Each is a form of ``orgs.actions``; refusals come back as Chinese form errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dangqun.core import actions as core_actions
from dangqun.orgs import actions, services
from dangqun.orgs.models import Org


def _page(request, table, obj, name: str, org: Org, title: str):
    """Show the action's form; on a POST run it and go to the organisation (or the one made)."""
    if request.method == "POST" and request.POST:
        outcome = core_actions.run(table, request.user, obj, name, request.POST)
        if outcome.ok:
            messages.success(request, table[name].done)
            target = outcome.result if isinstance(outcome.result, Org) else org
            return redirect("orgs:detail", pk=target.pk)
        form = outcome.form
    else:
        form = core_actions.build_form(table[name], request.user, obj)
    return render(request, "orgs/form.html", {"org": org, "form": form, "title": title})


def _org_page(request, pk: int, name: str, title: str):
    org = services.require_changeable(request.user, pk)
    return _page(request, actions.ACTIONS, org, name, org, title.format(name=org.name))


@login_required
def add_child(request, pk: int):
    return _org_page(request, pk, "add_child", "在「{name}」下新建组织")


@login_required
def edit(request, pk: int):
    return _org_page(request, pk, "edit", "修改「{name}」")


@login_required
def move(request, pk: int):
    return _org_page(request, pk, "move", "调整「{name}」的隶属关系")


@login_required
def dissolve(request, pk: int):
    return _org_page(request, pk, "dissolve", "撤销「{name}」")


@login_required
def new_term(request, pk: int):
    return _org_page(request, pk, "new_term", "「{name}」换届")


@login_required
def appoint(request, pk: int):
    return _org_page(request, pk, "appoint", "「{name}」登记任职")


@login_required
def end_post(request, pk: int, post_pk: int):
    org = services.require_changeable(request.user, pk)
    post = services.require_post(org, post_pk)
    title = f"{post.person.name} 离任{post.get_title_display()}"
    return _page(request, actions.POST_ACTIONS, post, "end_post", org, title)
