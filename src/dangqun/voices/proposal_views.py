"""Pages for 职代会提案: a representative's proposals and the ones waiting for their 附议, the form
to propose, and the congress page where staff keep the representatives and enter paper proposals.
Logic lives in ``proposals``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangqun.core.forms import add_errors
from dangqun.voices import forms, proposals, services
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
    form = forms.ProposalForm(
        request.POST or None, congress=congress, exclude_person=request.user.person
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submitted = proposals.submit(
                request.user,
                data,
                congress=congress,
                seconders=[rep.person for rep in data["seconders"]],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("voices:detail", submitted.voice.pk)
    return render_page(
        request,
        "voices/proposal_new.html",
        {"form": form, "congress": congress, "rule": proposals.rule()},
        status=422 if form.errors else 200,
    )


@login_required
def congress_list(request):
    services.require_manager(request.user, "您无权维护职代会")
    form = forms.CongressForm(request.POST or None, orgs=proposals.congress_orgs(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            congress = proposals.save_congress(request.user, None, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("voices:congress", congress.pk)
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
    settings_form = forms.CongressForm(
        request.POST if which == "settings" else None,
        initial=model_to_dict(congress, fields=forms.CongressForm.base_fields),
        orgs=proposals.congress_orgs(request.user),
    )
    reps_form = forms.RepresentativesForm(request.POST if which == "reps" else None)
    paper_form = forms.ProposalForm(
        request.POST if which == "paper" else None, congress=congress, on_paper=True
    )
    bound = {"settings": settings_form, "reps": reps_form, "paper": paper_form}.get(which)
    if bound is not None and bound.is_valid():
        try:
            _save(request.user, congress, which, bound.cleaned_data)
        except ValidationError as exc:
            add_errors(bound, exc)
        else:
            return redirect("voices:congress", congress.pk)
    return render_page(
        request,
        "voices/congress.html",
        {
            "congress": congress,
            "settings_form": settings_form,
            "reps_form": reps_form,
            "paper_form": paper_form,
            "representatives": proposals.representatives_of(congress),
            "proposals": congress.proposals.select_related("person", "handling_org"),
        },
        status=422 if bound is not None and bound.errors else 200,
    )


def _save(user, congress, which: str, data: dict) -> None:
    if which == "settings":
        proposals.save_congress(user, congress, data)
    elif which == "reps":
        proposals.add_representatives(user, congress, data["employee_nos"])
    else:
        proposals.submit(
            user,
            data,
            congress=congress,
            proposer=data["proposer"].person,
            seconders=[rep.person for rep in data["seconders"]],
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
