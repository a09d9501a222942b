"""Pages that show people: the list with its filters and export, a person's page, revealing an ID
number, and the corrections a member asks for and the branch reviews."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from dangqun.accounts.roles import (
    CHANGE_PEOPLE,
    EXPORT_PEOPLE,
    IMPORT_PEOPLE,
    VIEW_ORGS,
    VIEW_PEOPLE,
)
from dangqun.accounts.scope import Scope, require
from dangqun.core.paging import IdFirstPaginator, query_without_page
from dangqun.people import exports, services
from dangqun.people.filters import FILTER_PARAMS, apply_filters, selected_org
from dangqun.people.models import (
    MemberCategory,
    MemberEvent,
    PoliticalStatus,
)
from dangqun.web.htmx import render_page

PAGE_SIZE = 50


SEARCH_COUNT_LIMIT = 10_000  # a search matching more than this is told to be narrowed


def _filtered(request):
    """The scoped, filtered people and the organisation the list is narrowed to (if any)."""
    scope_orgs = Scope.of(request.user).orgs(VIEW_ORGS)
    org = selected_org(request.GET, scope_orgs)
    people = services.visible_to(request.user)
    queryset = apply_filters(people, request.GET, scope_orgs, org=org)
    return queryset, org


@login_required
def person_list(request):
    scope = Scope.of(request.user)
    require(scope.has(VIEW_PEOPLE), "您没有查看人员的权限")
    queryset, org = _filtered(request)
    queryset = queryset.select_related("unit", "party_profile__branch").order_by("employee_no")
    searched = bool(request.GET.get("q", "").strip())
    page = IdFirstPaginator(
        queryset, PAGE_SIZE, count_limit=SEARCH_COUNT_LIMIT if searched else None
    ).get_page(request.GET.get("page"))
    return render_page(
        request,
        "people/list.html",
        {
            "page": page,
            "query": query_without_page(request.GET),
            "params": {k: request.GET.get(k, "") for k in FILTER_PARAMS},
            "statuses": PoliticalStatus.choices,
            "categories": MemberCategory.choices,
            "filter_org": org,
            "can_export": scope.has(EXPORT_PEOPLE),
            "can_create": scope.has(CHANGE_PEOPLE),
            "can_import": scope.has(IMPORT_PEOPLE),
        },
        partial="results",
    )


@login_required
def person_export(request):
    content, count = exports.export_people(request.user, request.GET)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''people.xlsx"
    response["X-Row-Count"] = str(count)
    return response


def _person_context(request, person, scope):
    profile = getattr(person, "party_profile", None)
    events = list(
        MemberEvent.objects.filter(person=person).select_related("from_branch", "to_branch")
    )
    posts = list(person.posts.select_related("org").order_by("-started_on"))
    can_reveal = services.can_reveal_id(request.user, person)
    can_change = services.can_change_person(request.user, person)
    return {
        "person": person,
        "profile": profile,
        "events": events,
        "posts": posts,
        "corrections": list(person.corrections.all()[:10]),
        "can_reveal": can_reveal,
        # the rule of services.can_reveal_phone, from the two answers above (no more queries)
        "can_reveal_phone": bool(person.phone) and (can_reveal or can_change),
        "can_change": can_change,
        "is_self": scope.is_self(person),
        "correctable": services.CORRECTABLE_FIELDS,
        # An employee sees their own file but not their branch's page: name it, link it only if seen.
        "branch_visible": profile is not None and scope.can(VIEW_ORGS, profile.branch),
    }


def _visible_person(request, pk):
    return services.require_visible(request.user, pk), Scope.of(request.user)


@login_required
def person_detail(request, pk: int):
    person, scope = _visible_person(request, pk)
    return render_page(request, "people/detail.html", _person_context(request, person, scope))


@login_required
def me(request):
    if not request.user.person_id:
        messages.info(request, "您的账号尚未关联人员档案，请联系党群工作部。")
        return redirect("web:home")
    return person_detail(request, request.user.person_id)


@login_required
@require_POST
def reveal_id(request, pk: int):
    person, _ = _visible_person(request, pk)
    value = services.reveal_id_number(request.user, person)
    return HttpResponse(f'<span class="masked" id="id-number">{value}</span>')


@login_required
@require_POST
def reveal_phone(request, pk: int):
    person, _ = _visible_person(request, pk)
    value = services.reveal_phone(request.user, person)
    return HttpResponse(format_html('<span class="masked" id="phone">{}</span>', value))


@login_required
@require_POST
def request_correction(request, pk: int):
    person, _ = _visible_person(request, pk)
    changes = {f: request.POST.get(f, "") for f in services.CORRECTABLE_FIELDS}
    try:
        services.request_correction(request.user, person, changes, request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "更正申请已提交，待支部审核。")
    return redirect("people:detail", pk=person.pk)


@login_required
def corrections(request):
    pending = services.pending_corrections(request.user)
    return render_page(request, "people/corrections.html", {"pending": pending})


@login_required
@require_POST
def review_correction(request, pk: int):
    item = services.require_reviewable(request.user, pk)
    try:
        services.review_correction(
            request.user,
            item,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已处理。")
    return redirect("people:corrections")
