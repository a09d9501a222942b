"""Pages that change people: register, edit, party profile, membership events. Each is a form of
``people.actions``; refusals come back as Chinese form errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dangqun.accounts.scope import require
from dangqun.core import actions as core_actions
from dangqun.people import actions, services


def _form(request, table, obj, name: str):
    """The action's form, bound and run on a POST; and the outcome when it worked (else None)."""
    if request.method == "POST" and request.POST:
        outcome = core_actions.run(table, request.user, obj, name, request.POST)
        return outcome.form, (outcome if outcome.ok else None)
    return core_actions.build_form(table[name], request.user, obj), None


@login_required
def create(request):
    require(services.may_register(request.user), actions.REFUSED_REGISTER)
    form, done = _form(request, actions.REGISTER, None, "create")
    if done is not None:
        messages.success(request, actions.REGISTER["create"].done)
        return redirect("people:detail", pk=done.result.pk)
    context = {"form": form, "title": "登记人员", "back": "people:list"}
    return render(request, "people/form.html", context)


def _person_page(request, pk: int, name: str, title: str):
    person = services.require_changeable(request.user, pk)
    form, done = _form(request, actions.ACTIONS, person, name)
    if done is not None:
        messages.success(request, actions.ACTIONS[name].done)
        return redirect("people:detail", pk=person.pk)
    context = {"form": form, "title": title.format(name=person.name), "person": person}
    return render(request, "people/form.html", context)


@login_required
def edit(request, pk: int):
    return _person_page(request, pk, "edit", "修改 {name} 的信息")


@login_required
def edit_profile(request, pk: int):
    return _person_page(request, pk, "edit_profile", "{name} 的党员信息")


@login_required
def member_event(request, pk: int):
    return _person_page(request, pk, "member_event", "{name}：组织关系与党籍事项")
