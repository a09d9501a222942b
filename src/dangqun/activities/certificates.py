"""志愿服务证明 (issue #16 §2; 《志愿服务记录与证明出具办法（试行）》2021: 如实、无偿出具), decision 0027.

Who issues:
- an organiser, in the name of an organisation they organise for: the certificate counts the
  person's confirmed hours of activities that organisation's sub-tree runs (主办 or 联办) — an
  organisation certifies only what it recorded;
- the person, for their own record: every confirmed hour of the period, issued in the name of the
  organisation that ran (主办) most of those hours (ties: the one served most recently, then the
  lowest id); the certificate lists every activity with its organiser.

The code: 12 random characters (60 bits) and 4 check characters, a keyed hash of them (20 bits),
shown as ``XXXX-XXXX-XXXX-XXXX``. A changed or mistyped character fails the check before any
database query; a code that passes is looked up by its keyed hash. The code is stored only
encrypted (for downloading the PDF again) and as that hash.

Withdrawing (作废): whoever may issue a certificate may withdraw it with a reason (an organiser of
the issuing organisation; the person for one they asked for themselves). A correction that leaves
fewer confirmed hours in a certificate's period than it states withdraws it on its own and tells
the holder, who may ask for a new one: a certificate never says more than the record
(如实出具). The public page shows a withdrawn certificate as 已作废, never as valid.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.accounts.roles import MANAGE_ACTIVITIES
from dangqun.accounts.scope import Scope, require
from dangqun.activities import record, services
from dangqun.activities.certificate_models import Certificate, Covers
from dangqun.core import audit, crypto
from dangqun.notices.services import notify
from dangqun.orgs.models import Org
from dangqun.people.models import Person

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 characters: no 0/O, 1/I
BODY, CHECK = 12, 4
REFUSED = "您无权以该组织的名义出具志愿服务证明"
NOTHING = "该工号的人员在此期间没有由本组织（含下级组织）确认的志愿服务时长"
NOTHING_OWN = "您在此期间没有已确认的志愿服务时长"
MALFORMED = "验证码格式不正确：应为 16 位字母和数字，请核对后重新输入"
TAMPERED = "验证码校验不通过：可能输错了字符或被改动过，请核对证明上的验证码"
UNKNOWN = "没有找到该验证码对应的志愿服务证明"
NOT_WITHDRAWABLE = "只有出具组织的组织者（本人申请的证明：本人）可以作废该证明"
ALREADY_WITHDRAWN = "该证明已经作废"
WITHDRAWN_PDF = "该证明已作废，不能再下载；如需证明请重新开具"
CORRECTED = "出具后志愿服务时长被更正（「{title}」），证明所列时长多于现有记录"


# Codes ----------------------------------------------------------------------------------------
def _check(body: str) -> str:
    digest = int(crypto.keyed_hash("activities.certificate:" + body)[:8], 16)
    return "".join(ALPHABET[(digest >> (5 * i)) & 31] for i in range(CHECK))


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    raw = body + _check(body)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "")[:64].upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return crypto.keyed_hash("activities.certificate.code:" + normalise(code))


def displayed(code: str) -> str:
    raw = normalise(code)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@dataclass(frozen=True)
class Checked:
    """What a code verifies to: the certificate, or the reason in Chinese (and nothing else)."""

    certificate: Certificate | None
    error: str = ""


def verify(code: str) -> Checked:
    """A code as typed or scanned → its certificate. Malformed and tampered codes are refused
    by their check characters alone, without a database query."""
    raw = normalise(code)
    if len(raw) != BODY + CHECK or any(ch not in ALPHABET for ch in raw):
        return Checked(None, MALFORMED)
    if not secrets.compare_digest(_check(raw[:BODY]), raw[BODY:]):
        return Checked(None, TAMPERED)
    found = (
        Certificate.objects.select_related("person", "issuer")
        .filter(code_hash=code_hash(raw))
        .first()
    )
    return Checked(found, "" if found else UNKNOWN)


def masked_name(name: str) -> str:
    """张三 → 张*, 欧阳明华 → 欧***: the family name's first character only."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else "*"


def code_of(certificate: Certificate) -> str:
    return crypto.decrypt(certificate.code_encrypted)


# Who sees which ------------------------------------------------------------------------------
def visible_to(user) -> QuerySet:
    """Certificates of the user's own person, and those organisers issued in the name of an
    organisation the user organises for (a person's own certificate lists activities of other
    organisations: it stays theirs)."""
    scope = Scope.of(user)
    rows = Certificate.objects.none()
    if getattr(user, "person_id", None):
        rows = Certificate.objects.filter(person_id=user.person_id)
    if scope.has(MANAGE_ACTIVITIES):
        rows = rows | Certificate.objects.filter(
            issuer__in=scope.orgs(MANAGE_ACTIVITIES), covers=Covers.ISSUER
        )
    return rows


def issued_by_organisers(user) -> QuerySet:
    """Certificates organisers issued in the name of the user's organisations."""
    return Certificate.objects.filter(
        issuer__in=Scope.of(user).orgs(MANAGE_ACTIVITIES), covers=Covers.ISSUER
    )


def require_visible(user, pk) -> Certificate:
    found = visible_to(user).select_related("person", "issuer").filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该证明")
    return found


# Issuing --------------------------------------------------------------------------------------
def _check_period(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValidationError({"ends_on": "截止日期不能早于起始日期"})
    if end > timezone.localdate():
        raise ValidationError({"ends_on": "截止日期不能晚于今天：证明只能证明已经确认的时长"})


def _create(user, person: Person, start, end, issuer: Org, covers: str, hours: Decimal):
    code = new_code()
    certificate = Certificate.objects.create(
        person=person,
        starts_on=start,
        ends_on=end,
        hours=hours,
        issuer=issuer,
        covers=covers,
        issued_by=user if getattr(user, "is_authenticated", False) else None,
        code_hash=code_hash(code),
        code_encrypted=crypto.encrypt(normalise(code)),
    )
    audit.record(
        user,
        "activity.certificate_issue",
        certificate,
        after={
            "person": person.pk,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "hours": str(hours),
            "issuer": issuer.pk,
            "covers": covers,
        },
    )
    return certificate


@transaction.atomic
def issue(user, employee_no: str, start: dt.date, end: dt.date, issuer: Org) -> Certificate:
    """An organiser certifies a person's hours of the activities ``issuer``'s sub-tree ran.
    A person without such hours is refused with the same words as an unknown 工号."""
    require(services.can_organise_for(user, issuer), REFUSED)
    _check_period(start, end)
    person = Person.objects.filter(employee_no=(employee_no or "").strip()).first()
    found = record.lines(person.pk, start, end, orgs=[issuer]) if person else []
    if not found:
        raise ValidationError({"employee_no": NOTHING})
    return _create(user, person, start, end, issuer, Covers.ISSUER, record.total(found))


def main_issuer(found: list[record.Line]) -> Org:
    """The organisation that ran (主办) most of the hours; ties: served most recently, then the
    lowest id."""
    by_org: dict[int, list] = {}
    for line in found:
        entry = by_org.setdefault(line.activity.org_id, [line.activity.org, Decimal(0), None])
        entry[1] += line.hours
        entry[2] = max(entry[2] or line.served_on, line.served_on)
    org, _, _ = max(by_org.values(), key=lambda e: (e[1], e[2], -e[0].pk))
    return org


@transaction.atomic
def issue_own(user, start: dt.date, end: dt.date) -> Certificate:
    """The user's person certifies their own hours of the period (every confirmed hour)."""
    person = services.person_of(user)
    _check_period(start, end)
    found = record.lines(person.pk, start, end)
    if not found:
        raise ValidationError({"starts_on": NOTHING_OWN})
    issuer = main_issuer(found)
    return _create(user, person, start, end, issuer, Covers.ALL, record.total(found))


def lines_of(certificate: Certificate) -> list[record.Line]:
    """The activities the certificate counts, as they stood when it was issued."""
    return record.lines(
        certificate.person_id,
        certificate.starts_on,
        certificate.ends_on,
        orgs=[certificate.issuer] if certificate.covers == Covers.ISSUER else None,
        as_of=certificate.issued_at,
    )


@transaction.atomic
def download(user, pk) -> tuple[Certificate, list[record.Line], str]:
    """A certificate the user may see, with its lines and code, for its PDF; audited. A withdrawn
    one is refused: a printed copy would still look valid."""
    certificate = require_visible(user, pk)
    if not certificate.valid:
        raise ValidationError(WITHDRAWN_PDF)
    audit.record(user, "activity.certificate_download", certificate)
    return certificate, lines_of(certificate), code_of(certificate)


# Withdrawing ----------------------------------------------------------------------------------
def can_withdraw(user, certificate: Certificate) -> bool:
    if certificate.covers == Covers.ALL:
        person_id = getattr(user, "person_id", None)
        return person_id is not None and certificate.person_id == person_id
    return services.can_organise_for(user, certificate.issuer)


def _withdraw(user, certificate: Certificate, reason: str) -> None:
    certificate.withdrawn_at = timezone.now()
    certificate.withdrawn_by = user if getattr(user, "is_authenticated", False) else None
    certificate.withdrawn_reason = reason[:200]
    certificate.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit.record(
        user,
        "activity.certificate_withdraw",
        certificate,
        before={"hours": str(certificate.hours)},
        after={"reason": certificate.withdrawn_reason},
    )


@transaction.atomic
def withdraw(user, certificate: Certificate, reason: str) -> Certificate:
    """作废 a certificate with a reason; it stays, marked, and verifies as withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写作废原因"})
    certificate = (
        Certificate.objects.select_for_update().select_related("issuer").get(pk=certificate.pk)
    )
    require(can_withdraw(user, certificate), NOT_WITHDRAWABLE)
    if not certificate.valid:
        raise ValidationError(ALREADY_WITHDRAWN)
    _withdraw(user, certificate, reason)
    return certificate


def after_correction(user, person_id: int, served_on: dt.date, activity) -> list[Certificate]:
    """After a correction of the person's hours served on ``served_on``: every valid certificate
    whose period holds that day and which now states more hours than the record is withdrawn,
    and the holder is told once. Called inside the correction's transaction."""
    stale = []
    rows = Certificate.objects.select_for_update().select_related("issuer")
    for certificate in rows.filter(
        person_id=person_id,
        withdrawn_at__isnull=True,
        starts_on__lte=served_on,
        ends_on__gte=served_on,
    ):
        orgs = [certificate.issuer] if certificate.covers == Covers.ISSUER else None
        now_total = record.total(
            record.lines(person_id, certificate.starts_on, certificate.ends_on, orgs=orgs)
        )
        if now_total < certificate.hours:
            _withdraw(user, certificate, CORRECTED.format(title=activity.title))
            stale.append(certificate)
    if stale:
        again = (
            "可重新申请开具"
            if any(c.covers == Covers.ALL for c in stale)
            else "可请出具组织重新开具"
        )
        notify(
            User.objects.filter(person_id=person_id, is_active=True),
            kind="activity.certificate",
            title=f"您有 {len(stale)} 份志愿服务证明因时长更正已作废，{again}",
            url=reverse("activities:certificates"),
        )
    return stale
