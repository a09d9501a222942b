"""外出培训 (issue #17 §1): training a member did elsewhere — 党校, 上级调训, another platform's online
course — recorded by the member with a proof document; the member's party branch (whoever holds
``learning.manage`` over it, never the member themself) confirms its 学时 or returns it with a
reason. Confirmed training reaches the ledger through ``sources_classes`` (``Source.EXTERNAL``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.accounts.roles import MANAGE_LEARNING
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit, filestore
from dangqun.core.rules import get_rule
from dangqun.learning import services, sources_classes
from dangqun.learning.class_models import (
    PROOF_FOLDER,
    ExternalProof,
    ExternalStatus,
    ExternalTraining,
)
from dangqun.notices.services import holders, notify

NOT_MEMBER = "只有党员可以登记外出培训（您的档案中没有所在党支部）"


def mine(user) -> QuerySet:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return ExternalTraining.objects.none()
    return ExternalTraining.objects.filter(person_id=person_id)


def kept_by(user) -> QuerySet:
    """Records of members whose branch lies in the user's ``learning.manage`` scope."""
    scope = Scope.of(user)
    if not scope.has(MANAGE_LEARNING):
        return ExternalTraining.objects.none()
    return ExternalTraining.objects.filter(scope.within(MANAGE_LEARNING, "branch"))


def visible_to(user) -> QuerySet:
    return ExternalTraining.objects.filter(
        Q(pk__in=mine(user).values("pk")) | Q(pk__in=kept_by(user).values("pk"))
    )


def require_visible(user, pk) -> ExternalTraining:
    row = visible_to(user).select_related("person", "branch").filter(pk=pk).first()
    if row is None:
        raise Http404("外出培训记录不存在或无权查看")
    return row


def may_decide(user, training: ExternalTraining) -> bool:
    return training.person_id != getattr(user, "person_id", None) and services.can_manage(
        user, training.branch
    )


def _cap(data: dict) -> Decimal:
    per_day = Decimal(str(get_rule("life.study_hours").params.get("hours_per_day", 8)))
    return per_day * ((data["ends_on"] - data["starts_on"]).days + 1)


def _check(data: dict) -> None:
    if data["ends_on"] < data["starts_on"]:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期"})
    if data["ends_on"] > timezone.localdate():
        raise ValidationError({"ends_on": "培训结束后再登记"})
    if data["claimed"] <= 0:
        raise ValidationError({"claimed": "申报学时应大于 0"})
    cap = _cap(data)
    if data["claimed"] > cap:
        rule = get_rule("life.study_hours")
        raise ValidationError(
            {
                "claimed": f"申报学时不能超过培训天数折算的 {cap.normalize():f} 学时"
                f"（每天 {rule['hours_per_day']} 学时；依据：{rule.citation}）"
            }
        )
    if not data.get("proofs"):
        raise ValidationError({"proofs": "请上传结业证书、通知或截图等证明材料"})


FIELDS = ("kind", "title", "organiser", "starts_on", "ends_on", "claimed", "note")


def record(user, data: dict) -> ExternalTraining:
    """The member records training done elsewhere; it waits for the branch to confirm."""
    person = services.person_of(user)
    require(person.party_branch_id is not None, NOT_MEMBER)
    _check(data)
    stored = filestore.store(list(data["proofs"]), PROOF_FOLDER)  # before the transaction
    with transaction.atomic():
        row = ExternalTraining.objects.create(
            person=person, branch_id=person.party_branch_id, **{k: data[k] for k in FIELDS}
        )
        ExternalProof.objects.bulk_create(
            ExternalProof(training=row, uploaded_by=user, **f.fields) for f in stored
        )
        audit.record(
            user,
            "learning.external_record",
            row,
            after={
                "title": row.title,
                "claimed": str(row.claimed),
                "files": [f.name for f in stored],
            },
        )
        _tell_keepers(row)
    return row


def _locked(training: ExternalTraining) -> ExternalTraining:
    return (
        ExternalTraining.objects.select_for_update(of=("self",))
        .select_related("branch", "person")
        .get(pk=training.pk)
    )


@transaction.atomic
def confirm(user, training: ExternalTraining, hours: Decimal | None = None) -> ExternalTraining:
    """Confirm the 学时 (as claimed, or fewer); they count from now on."""
    training = _locked(training)
    require(may_decide(user, training), "您无权确认该外出培训（本人的记录由所在党支部确认）")
    if training.status != ExternalStatus.SUBMITTED:
        raise ValidationError("该记录已处理")
    hours = training.claimed if hours is None else hours
    if not 0 < hours <= training.claimed:
        raise ValidationError({"hours": "认定学时应大于 0 且不超过申报学时"})
    training.status, training.hours = ExternalStatus.CONFIRMED, hours
    training.decided_at, training.decided_by = timezone.now(), user
    training.save(update_fields=["status", "hours", "decided_at", "decided_by"])
    audit.record(user, "learning.external_confirm", training, after={"hours": str(hours)})
    sources_classes.sync_external(training)
    _tell_member(training, f"外出培训已确认：{training.title}，计 {hours.normalize():f} 学时")
    return training


@transaction.atomic
def send_back(user, training: ExternalTraining, reason: str) -> ExternalTraining:
    """Return the record to the member with the reason (missing proof, 学时 too high…)."""
    training = _locked(training)
    require(may_decide(user, training), "您无权处理该外出培训（本人的记录由所在党支部确认）")
    if training.status != ExternalStatus.SUBMITTED:
        raise ValidationError("该记录已处理")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因"})
    training.status, training.reason = ExternalStatus.RETURNED, reason[:200]
    training.decided_at, training.decided_by = timezone.now(), user
    training.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    audit.record(user, "learning.external_return", training, after={"reason": reason})
    _tell_member(training, f"外出培训已退回：{training.title}（{reason}）")
    return training


def _tell_member(training: ExternalTraining, title: str) -> None:
    users = User.objects.filter(person_id=training.person_id, is_active=True)
    notify(users, kind="learning.external", title=title, url=reverse("learning:external"))


def _tell_keepers(training: ExternalTraining) -> None:
    users = holders(MANAGE_LEARNING, training.branch, nearest=True).exclude(
        person_id=training.person_id
    )
    notify(
        users,
        kind="learning.external_submitted",
        title=f"{training.person.name}登记了外出培训，待确认：{training.title}",
        url=reverse("learning:external_queue"),
    )


def proof(user, training_pk: int, proof_pk: int) -> ExternalProof:
    training = require_visible(user, training_pk)
    row = training.proofs.filter(pk=proof_pk).first()
    if row is None:
        raise Http404("文件不存在")
    return row


def sweep_orphan_files(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete stored proofs that no row names (left by a transaction that failed)."""
    known = set(ExternalProof.objects.values_list("file", flat=True).iterator())
    return filestore.sweep_orphans(PROOF_FOLDER, known, older_than)
