"""Pages for 职代会提案: a representative's proposals and the ones waiting for their 附议, the form
to propose, and the congress page where staff keep the representatives and enter paper proposals.
Logic lives in ``proposals``."""

from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangqun.voices import admin_actions, forms, proposals, services
from dangqun.voices.models import Kind, Representative, Voice
from dangqun.web.htmx import render_page


@login_required
def overview(request):
    """提案: what I proposed, what I am asked to second, and the congresses I keep."""
    person = request.user.person
    return render_page(
        request,
        "voices/proposals.html",
        {
            "asked": proposals.asked_of(request.user),
            "mine": Voice.objects.filter(kind=Kind.PROPOSAL, user=request.user).select_related(
                "congress", "handling_org"
            ),
            "congresses": proposals.representing(person),
            "kept": proposals.congresses_kept_by(request.user)
            if services.manages_somewhere(request.user)
            else [],
            "rule": proposals.rule(),
        },
    )


@login_required
@never_cache
def new(request, congress_pk: int):
    """A representative proposes; the representatives they pick are asked to second it."""
    congress = get_object_or_404(proposals.representing(request.user.person), pk=congress_pk)
    if request.method == "POST":
        outcome = admin_actions.run_on_congress(request.user, congress, "propose", request.POST)
        form = outcome.form
        if outcome.ok:
            return redirect("voices:detail", outcome.result.voice.pk)
    else:
        form = forms.ProposalForm(congress=congress, exclude_person=request.user.person)
    return render_page(
        request,
        "voices/proposal_new.html",
        {"form": form, "congress": congress, "rule": proposals.rule()},
        status=422 if form.errors else 200,
    )


@login_required
def congress_list(request):
    services.require_manager(request.user, "您无权维护职代会")
    if request.method == "POST":
        outcome = admin_actions.run_on_congress(request.user, None, "create", request.POST)
        form = outcome.form
        if outcome.ok:
            return redirect("voices:congress", outcome.result.pk)
    else:
        form = forms.CongressForm(orgs=proposals.congress_orgs(request.user))
    return render_page(
        request,
        "voices/congresses.html",
        {"form": form, "rows": proposals.congresses_kept_by(request.user)},
        status=422 if form.errors else 200,
    )


@login_required
@never_cache
def congress(request, pk: int):
    """One congress: its settings, representatives (added by 工号) and paper proposals."""
    congress = get_object_or_404(proposals.congresses_kept_by(request.user), pk=pk)
    which = request.POST.get("form") if request.method == "POST" else None
    forms_shown = {
        "settings": forms.CongressForm(
            initial=model_to_dict(congress, fields=forms.CongressForm.base_fields),
            orgs=proposals.congress_orgs(request.user),
        ),
        "reps": forms.RepresentativesForm(),
        "paper": forms.ProposalForm(congress=congress, on_paper=True),
    }
    bound = None
    if which in forms_shown:
        outcome = admin_actions.run_on_congress(request.user, congress, which, request.POST)
        if outcome.ok:
            return redirect("voices:congress", congress.pk)
        bound = forms_shown[which] = outcome.form
    return render_page(
        request,
        "voices/congress.html",
        {
            "congress": congress,
            "settings_form": forms_shown["settings"],
            "reps_form": forms_shown["reps"],
            "paper_form": forms_shown["paper"],
            "representatives": proposals.representatives_of(congress),
            "proposals": congress.proposals.select_related("person", "handling_org"),
        },
        status=422 if bound is not None and bound.errors else 200,
    )


@login_required
@require_POST
def remove_representative(request, pk: int):
    rep = get_object_or_404(
        Representative.objects.select_related("congress", "person").filter(
            congress__in=proposals.congresses_kept_by(request.user)
        ),
        pk=pk,
    )
    proposals.remove_representative(request.user, rep)
    return redirect("voices:congress", rep.congress_id)
