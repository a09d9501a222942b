"""Pages that change people: register, edit, party profile, membership events."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from dangqun.accounts.roles import CHANGE_PEOPLE
from dangqun.accounts.scope import Scope, require
from dangqun.core.forms import add_errors
from dangqun.people import forms, services
from dangqun.people.models import PartyProfile


def _person_to_change(request, pk):
    return services.require_changeable(request.user, pk), Scope.of(request.user)


def _render(request, form, title, back):
    return render(request, "people/form.html", {"form": form, "title": title, "back": back})


@login_required
def create(request):
    scope = Scope.of(request.user)
    require(scope.has(CHANGE_PEOPLE), "您无权登记人员")
    orgs = scope.orgs(CHANGE_PEOPLE)
    form = forms.PersonForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(request.user, form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "人员已登记。")
            return redirect("people:detail", pk=person.pk)
    return _render(request, form, "登记人员", "people:list")


@login_required
def edit(request, pk: int):
    person, scope = _person_to_change(request, pk)
    profile = PartyProfile.objects.filter(person=person).first()
    initial = {
        field: getattr(person, field)
        for field in [
            "employee_no",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "education",
            "job_post",
            "phone",
            "address",
            "political_status",
            "employment_status",
        ]
    }
    initial.update(
        unit=person.unit_id, union_org=person.union_org_id, league_org=person.league_org_id
    )
    form = forms.PersonForm(
        request.POST or None,
        orgs=scope.orgs(CHANGE_PEOPLE),
        is_member=profile is not None and profile.is_current,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.user, person, form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": f"修改 {person.name} 的信息", "person": person},
    )


@login_required
def edit_profile(request, pk: int):
    person, scope = _person_to_change(request, pk)
    profile = PartyProfile.objects.filter(person=person).first()
    initial = {}
    if profile is not None:
        initial = {
            "branch": profile.branch_id,
            "joined_on": profile.joined_on,
            "full_member_on": profile.full_member_on,
            "category": profile.category,
            "floating_to": profile.floating_to,
        }
    form = forms.ProfileForm(request.POST or None, orgs=scope.orgs(CHANGE_PEOPLE), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_party_profile(request.user, person, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "党员信息已保存。")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": f"{person.name} 的党员信息", "person": person},
    )


@login_required
def member_event(request, pk: int):
    person, scope = _person_to_change(request, pk)
    form = forms.MemberEventForm(request.POST or None, orgs=scope.orgs(CHANGE_PEOPLE))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_member_event(
                request.user,
                person,
                data["type"],
                on=data["on"],
                to_branch=data.get("to_branch"),
                counterpart=data.get("counterpart", ""),
                note=data.get("note", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已登记，并记入党员经历。")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": f"{person.name}：组织关系与党籍事项", "person": person},
    )
