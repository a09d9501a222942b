"""Pages that change organisations: add a child, edit, move, dissolve, elect a term, appoint posts.

Each is a form in front of one service function; refusals come back as Chinese form errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from dangqun.accounts.roles import CHANGE_ORGS
from dangqun.accounts.scope import Scope, get_in_scope
from dangqun.orgs import forms, services
from dangqun.orgs.models import Org, Post, System
from dangqun.people import services as people_services


def _units(request):  # organisation names are not secret; any active unit may host an org
    return Org.objects.active().filter(system=System.ENTERPRISE).only("pk", "name", "depth")


def _handle(request, org, form, action, success: str, title: str):
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, success)
            target = result if isinstance(result, Org) else org
            return redirect("orgs:detail", pk=target.pk)
    return render(request, "orgs/form.html", {"org": org, "form": form, "title": title})


@login_required
def add_child(request, pk: int):
    parent = services.require_changeable(request.user, pk)
    form = forms.OrgCreateForm(request.POST or None, parent=parent, units=_units(request))

    def action(data):
        return services.create_org(
            request.user,
            parent=parent,
            name=data["name"],
            kind=data["kind"],
            founded_on=data["founded_on"],
            **({"unit": data["unit"]} if data.get("unit") else {}),
        )

    return _handle(
        request, parent, form, action, "已新建下级组织。", f"在「{parent.name}」下新建组织"
    )


@login_required
def edit(request, pk: int):
    org = services.require_changeable(request.user, pk)
    initial = {
        "name": org.name,
        "short_name": org.short_name,
        "unit": org.unit_id,
        "unit_situation": org.unit_situation,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "approves_members": org.approves_members,
    }
    form = forms.OrgEditForm(request.POST or None, org=org, units=_units(request), initial=initial)

    def action(data):
        on = data.pop("on")
        return services.update_org(request.user, org, on=on, **data)

    return _handle(request, org, form, action, "已保存，变更已记入沿革。", f"修改「{org.name}」")


@login_required
def move(request, pk: int):
    org = services.require_changeable(request.user, pk)
    scope = Scope.of(request.user)
    targets = (
        scope.orgs(CHANGE_ORGS, Org.objects.active())
        .filter(system=org.system)
        .exclude(path__startswith=org.path)
        .only("pk", "name", "depth")
    )
    form = forms.OrgMoveForm(request.POST or None, targets=targets)

    def action(data):
        return services.move_org(request.user, org, data["new_parent"], on=data["on"])

    return _handle(
        request,
        org,
        form,
        action,
        "已调整隶属关系，下级组织随之调整。",
        f"调整「{org.name}」的隶属关系",
    )


@login_required
def dissolve(request, pk: int):
    org = services.require_changeable(request.user, pk)
    form = forms.OrgDissolveForm(request.POST or None)

    def action(data):
        return services.dissolve_org(request.user, org, on=data["on"], note=data["note"])

    return _handle(request, org, form, action, "组织已撤销，历史记录保留。", f"撤销「{org.name}」")


@login_required
def new_term(request, pk: int):
    org = services.require_changeable(request.user, pk)
    form = forms.TermForm(
        request.POST or None, initial={"years": services.default_term_years(org.kind)}
    )

    def action(data):
        return services.start_term(
            request.user,
            org,
            elected_on=data["elected_on"],
            years=data["years"],
            has_committee=data["has_committee"],
        )

    return _handle(
        request, org, form, action, "已登记换届，上一届同时结束。", f"「{org.name}」换届"
    )


@login_required
def appoint(request, pk: int):
    org = services.require_changeable(request.user, pk)
    form = forms.PostForm(request.POST or None)

    def action(data):
        employee_no = data["person"].strip()
        person = people_services.visible_to(request.user).filter(employee_no=employee_no).first()
        if person is None:
            raise ValidationError({"person": "在您的管理范围内找不到该工号的人员"})
        return services.appoint(
            request.user, org, person, data["title"], started_on=data["started_on"]
        )

    return _handle(request, org, form, action, "已登记任职。", f"「{org.name}」登记任职")


@login_required
def end_post(request, pk: int, post_pk: int):
    org = services.require_changeable(request.user, pk)
    post = get_in_scope(Post.objects.filter(org=org).select_related("person"), pk=post_pk)
    form = forms.PostEndForm(request.POST or None)

    def action(data):
        return services.end_post(request.user, post, ended_on=data["ended_on"])

    return _handle(
        request,
        org,
        form,
        action,
        "已登记离任。",
        f"{post.person.name} 离任{post.get_title_display()}",
    )
