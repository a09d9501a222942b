"""Pages of 志愿服务证明 and the hours export: my certificates (and asking for one), an organiser's
issuing page, the PDF, the xlsx export, and the public (no-login) verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from dangqun.activities import certificate_pdf, certificates, exports, record
from dangqun.activities.certificate_actions import ACTIONS, organises
from dangqun.activities.certificate_forms import ExportForm, VerifyForm
from dangqun.core import actions
from dangqun.core.middleware import client_address
from dangqun.core.rules import get_rule
from dangqun.voices import throttle
from dangqun.web.htmx import render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SIZE = 50


def _with_codes(user, rows) -> list:
    """The certificates with their codes, for their holders and issuers to read off, and whether
    the user may withdraw each."""
    rows = list(rows)
    for certificate in rows:
        certificate.code = certificates.displayed(certificates.code_of(certificate))
        certificate.withdrawable = certificate.valid and actions.may(
            ACTIONS, user, certificate, "withdraw"
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """我的志愿服务证明: the certificates of the user's person and the form asking for one."""
    person = getattr(request.user, "person", None)
    form = actions.build_form(ACTIONS["own"], request.user, None)
    status = 200
    if request.method == "POST":
        outcome = actions.run(ACTIONS, request.user, None, "own", request.POST)
        if outcome.ok:
            messages.success(request, ACTIONS["own"].done)
            return redirect("activities:certificates")
        form, status = outcome.form, 422
    context = {
        "person": person,
        "form": form,
        "certificates": _with_codes(
            request.user,
            certificates.visible_to(request.user)
            .filter(person=person)
            .select_related("issuer")[:LIST_SIZE]
            if person
            else [],
        ),
        "record": record.record_of(person) if person else None,
    }
    return render_page(request, "activities/certificate_mine.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def issue(request):
    """An organiser issues a certificate for a person (by 工号) in the name of an organisation."""
    if not organises(request.user):
        raise PermissionDenied(certificates.REFUSED)
    form = actions.build_form(ACTIONS["issue"], request.user, None)
    status = 200
    if request.method == "POST":
        outcome = actions.run(ACTIONS, request.user, None, "issue", request.POST)
        if outcome.ok:
            messages.success(request, ACTIONS["issue"].done)
            return redirect("activities:certificate_issue")
        form, status = outcome.form, 422
    issued = certificates.issued_by_organisers(request.user).select_related("person", "issuer")[
        :LIST_SIZE
    ]
    return render_page(
        request,
        "activities/certificate_issue.html",
        {"form": form, "issued": _with_codes(request.user, issued)},
        status=status,
    )


@login_required
def pdf(request, pk: int):
    try:
        certificate, body = certificate_pdf.downloaded(request, pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("activities:certificates")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}.pdf"'
    return response


@login_required
@require_http_methods(["POST"])
def withdraw(request, pk: int):
    """作废 a certificate (from my certificates or the issuing page); the reason is required."""
    certificate = certificates.require_visible(request.user, pk)
    outcome = actions.run(ACTIONS, request.user, certificate, "withdraw", request.POST)
    if outcome.ok:
        messages.success(request, ACTIONS["withdraw"].done)
    else:
        errors = [e for field in outcome.form.errors.values() for e in field]
        messages.error(request, "证明未作废：" + "；".join(errors))
    issuing = request.POST.get("back") == "issue"
    return redirect("activities:certificate_issue" if issuing else "activities:certificates")


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    """导出志愿服务时长: the organiser's form; the POST answers with the xlsx."""
    if not organises(request.user):
        raise PermissionDenied(exports.REFUSED)
    form = ExportForm(request.POST or None, user=request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        body, _ = exports.export(
            request.user,
            data["starts_on"],
            data["ends_on"],
            data.get("org"),
            full_ids=data.get("full_ids", False),
        )
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = (
            "attachment; filename*=UTF-8''volunteer-hours-"
            f"{data['starts_on']:%Y%m%d}-{data['ends_on']:%Y%m%d}.xlsx"
        )
        return response
    status = 422 if form.is_bound else 200
    return render_page(request, "activities/certificate_export.html", {"form": form}, status=status)


# Public (no login) ----------------------------------------------------------------------------
def _verified(request, code: str, form) -> tuple[dict, int]:
    if not throttle.allow_code_attempt(client_address(request)):
        minutes = get_rule("voices.public_limits")["minutes"]
        form.add_error("code", f"核验过于频繁，请 {minutes} 分钟后再试")
        return {"form": form}, 429
    checked = certificates.verify(code)
    if checked.certificate is None:
        form.add_error("code", checked.error)
        return {"form": form, "refused": True}, 200
    found = checked.certificate
    if not found.valid:
        return {
            "form": form,
            "withdrawn": {
                "name": certificates.masked_name(found.person.name),
                "issuer": found.issuer.name,
                "issued_on": found.issued_at,
                "withdrawn_on": found.withdrawn_at,
            },
        }, 200
    return {
        "form": form,
        "found": {
            "name": certificates.masked_name(found.person.name),
            "hours": found.hours,
            "starts_on": found.starts_on,
            "ends_on": found.ends_on,
            "issuer": found.issuer.name,
            "issued_on": found.issued_at,
        },
    }, 200


@require_http_methods(["GET", "POST"])
def verify(request):
    """核验志愿服务证明: type the code (POST)."""
    form = VerifyForm(request.POST or None)
    context, status = {"form": form}, 200
    if form.is_bound and form.is_valid():
        context, status = _verified(request, form.cleaned_data["code"], form)
    return render_page(request, "activities/verify.html", context, status=status)


def verify_code(request, code: str):
    """The address a certificate's QR code opens."""
    form = VerifyForm({"code": code[:40]})
    context, status = {"form": form}, 200
    if form.is_valid():
        context, status = _verified(request, form.cleaned_data["code"], form)
    return render_page(request, "activities/verify.html", context, status=status)
