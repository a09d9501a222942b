"""Pages of study materials: 我的学习资料 and one material (phone first; opening it is recorded,
一键"已学" with a note), its file (a document, or a video played with range requests), and the
organiser's list with each material's reach as counts and rates, the form, and the notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import require
from dangqun.core import actions as core_actions
from dangqun.core import filestore
from dangqun.core.rules import get_rule
from dangqun.learning import material_actions as actions
from dangqun.learning import material_forms, materials, services, studies
from dangqun.learning.material_models import MaterialKind, MaterialStatus, Study, Tag
from dangqun.web.htmx import render_page

PAGE_SIZE = 20


def _tag(request) -> str:
    return request.GET.get("tag", "").strip()[:20]


@login_required
def mine(request):
    """我的学习资料: what was assigned to me, due soonest first, by theme."""
    person_id = getattr(request.user, "person_id", None)
    tag = _tag(request)
    rows = list(studies.mine(request.user, tag)[:200]) if person_id else []
    context = {
        "person_id": person_id,
        "rows": rows,
        "tags": Tag.objects.filter(materials__status=MaterialStatus.PUBLISHED).distinct(),
        "tag": tag,
        "rule": get_rule("learning.self_study"),
        "organises": services.organises(request.user),
    }
    return render_page(request, "learning/materials_mine.html", context)


@login_required
def detail(request, pk: int):
    material = materials.require_visible(request.user, pk)
    user = request.user
    study = None
    assigned = materials.assigned_to(user).filter(pk=material.pk).exists()
    if assigned:
        study = studies.open_material(user, material)  # the first opening is kept
    manages = materials.can_manage(user, material)
    organiser = manages or materials.kept_by(user).filter(pk=material.pk).exists()
    context = {
        "material": material,
        "file": materials.current_file(material),
        "tags": list(material.tags.all()),
        "study": study,
        "assigned": assigned,
        "manages": manages,
        "organiser": organiser,
        "reach": studies.reach(user, material) if organiser else None,
        "confirm_form": material_forms.ConfirmForm(initial={"note": study.note if study else ""}),
        "kinds": MaterialKind,
        "statuses": MaterialStatus,
        "rule": get_rule("learning.self_study"),
    }
    return render_page(request, "learning/material.html", context)


@login_required
def file(request, pk: int):
    """The material's file: a video inline with range requests, an image inline (its preview),
    any other document as a sandboxed download."""
    material = materials.require_visible(request.user, pk)
    row = materials.current_file(material)
    if row is None or material.kind == MaterialKind.LINK:
        raise Http404("该资料没有文件")
    if row.is_video:
        return filestore.ranged(request, row)
    if row.is_image and request.GET.get("inline") == "1":
        return filestore.download(row, inline=True, preview=row.preview or None)
    return filestore.download(row)


@login_required
def studied(request, pk: int):
    """A self-study 学时 entry's link (the entry names the person's study): the material."""
    person_id = getattr(request.user, "person_id", None)
    study = Study.objects.filter(pk=pk, person_id=person_id).only("material_id").first()
    if person_id is None or study is None:
        raise Http404(materials.NOT_FOUND)
    return redirect("learning:material", pk=study.material_id)


@login_required
@require_POST
def act(request, pk: int, action: str):
    material = materials.require_visible(request.user, pk)
    if action not in actions.ACTIONS or action == "update":
        raise Http404("没有这个操作")
    outcome = core_actions.run(actions.ACTIONS, request.user, material, action, request.POST)
    if outcome.ok:
        messages.success(request, actions.ACTIONS[action].done)
    else:
        errors = [m for errs in outcome.form.errors.values() for m in errs]
        messages.error(request, "；".join(errors))
    return redirect("learning:material", pk=material.pk)


@login_required
def manage(request):
    """The organiser's materials, each with its reach in the organiser's sub-tree (counts and
    rates, never a ranking of people)."""
    require(services.organises(request.user), services.NOT_ORGANISER)
    tag = _tag(request)
    rows = (
        materials.kept_by(request.user)
        .select_related("org")
        .prefetch_related("tags", "audience_orgs")
    )
    if tag:
        rows = rows.filter(tags__name=tag)
    shown = list(rows.order_by("-id")[:PAGE_SIZE])
    context = {
        "rows": [(m, studies.reach(request.user, m)) for m in shown],
        "more": rows.count() > PAGE_SIZE if len(shown) == PAGE_SIZE else False,
        "tags": Tag.objects.all(),
        "tag": tag,
        "rule": get_rule("activities.no_ranking"),
    }
    return render_page(request, "learning/materials_manage.html", context)


@login_required
def new(request):
    user = request.user
    if request.method == "POST":
        outcome = core_actions.run(actions.NEW, user, None, "create", request.POST, request.FILES)
        if outcome.ok:
            messages.success(request, actions.NEW["create"].done)
            return redirect("learning:material", pk=outcome.result.pk)
        form = outcome.form
    else:
        require(core_actions.may(actions.NEW, user, None, "create"), services.NOT_ORGANISER)
        form = core_actions.build_form(actions.NEW["create"], user, None)
    status = 422 if form.errors else 200
    return render_page(request, "learning/material_form.html", {"form": form}, status=status)


@login_required
def edit(request, pk: int):
    material = materials.require_visible(request.user, pk)
    require(materials.can_manage(request.user, material), services.NOT_ORGANISER)
    if request.method == "POST":
        outcome = core_actions.run(
            actions.ACTIONS, request.user, material, "update", request.POST, request.FILES
        )
        if outcome.ok:
            messages.success(request, actions.ACTIONS["update"].done)
            return redirect("learning:material", pk=material.pk)
        form = outcome.form
    else:
        if material.status == MaterialStatus.WITHDRAWN:
            messages.info(request, "资料已撤回，不能再修改")
            return redirect("learning:material", pk=material.pk)
        form = material_forms.MaterialForm(user=request.user, material=material)
    context = {"form": form, "material": material}
    return render_page(
        request, "learning/material_form.html", context, status=422 if form.errors else 200
    )


@login_required
def notes(request, pk: int):
    """心得体会 of a material: its organisers read all, a branch's keeper their members'."""
    material = materials.require_visible(request.user, pk)
    require(studies.may_read_notes(request.user, material), "您无权查看心得体会")
    rows = list(studies.notes_for(request.user, material)[:200])
    return render_page(
        request, "learning/material_notes.html", {"material": material, "rows": rows}
    )
