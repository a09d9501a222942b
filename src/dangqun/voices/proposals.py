"""职代会提案: proposals by workers' congress representatives.

A proposal is a voice of kind ``PROPOSAL`` that belongs to one congress. It waits in 征集附议
until enough other representatives of that congress second it (rule ``voices.proposal``); only
then does it reach the admins to 立案 (the ordinary 受理交办), and from there it is handled,
answered in writing and rated like any voice. A proposal handed in on paper is entered by staff
with the seconders' signatures already on it.

Congresses and their representatives are kept here too: the list is entered once per 届 (by
工号, from the people already on file) and every proposal and seconding reads it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.core.rules import get_rule
from dangqun.orgs.models import System
from dangqun.people.models import Person
from dangqun.voices import intake, notify, services
from dangqun.voices.models import (
    Channel,
    Congress,
    Identity,
    Kind,
    Representative,
    Seconder,
    Status,
    Voice,
)

Action = services.Action
Answer = Seconder.Answer


def rule():
    return get_rule("voices.proposal")


# Congresses and representatives ------------------------------------------------------------
def can_keep(actor, congress: Congress) -> bool:
    return Scope.of(actor).can(MANAGE_VOICES, congress.org)


def congress_orgs(user) -> QuerySet:
    """The enterprise units the user may hold a congress for."""
    return (
        Scope.of(user)
        .orgs(MANAGE_VOICES)
        .filter(system=System.ENTERPRISE, dissolved_on__isnull=True)
        .order_by("path")
    )


def congresses_kept_by(actor) -> QuerySet:
    return Congress.objects.filter(Scope.of(actor).within(MANAGE_VOICES, "org")).select_related(
        "org"
    )


def save_congress(actor, congress: Congress | None, data: dict) -> Congress:
    org = data.get("org")
    if org is None or org.system != System.ENTERPRISE:
        raise ValidationError({"org": "请选择召开职代会的单位"})
    require(Scope.of(actor).can(MANAGE_VOICES, org), "您无权维护该单位的职代会")
    if congress is not None:
        require(can_keep(actor, congress), "您无权维护该职代会")
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "请填写名称，如“第三届职工代表大会”"})
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on is None:
        raise ValidationError({"starts_on": "请填写本届起始日期"})
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError({"ends_on": "届满日期应晚于起始日期"})
    fields = ["org_id", "name", "starts_on", "ends_on", "accepting"]
    before = audit.snapshot(congress, fields) if congress else None
    congress = congress or Congress()
    congress.org, congress.name = org, name
    congress.starts_on, congress.ends_on = starts_on, ends_on
    congress.accepting = bool(data.get("accepting", True))
    with transaction.atomic():
        congress.save()
        audit.record(
            actor, "voice.congress", congress, before=before, after=audit.snapshot(congress, fields)
        )
    return congress


def add_representatives(actor, congress: Congress, employee_nos: list[str]) -> list[Person]:
    """Add representatives by 工号; each one's 代表团 is their own unit. All or nothing: an unknown
    工号 is named and nobody is added."""
    require(can_keep(actor, congress), "您无权维护该职代会的代表名单")
    wanted = list(dict.fromkeys(no.strip() for no in employee_nos if no.strip()))
    if not wanted:
        raise ValidationError({"employee_nos": "请填写代表的工号，每行一个"})
    found = {p.employee_no: p for p in Person.objects.filter(employee_no__in=wanted)}
    unknown = [no for no in wanted if no not in found]
    if unknown:
        raise ValidationError(
            {"employee_nos": f"以下工号不在人员名册中：{'、'.join(unknown[:20])}，未添加任何代表"}
        )
    already = set(
        Representative.objects.filter(congress=congress, person__in=found.values()).values_list(
            "person_id", flat=True
        )
    )
    new = [p for p in found.values() if p.pk not in already]
    with transaction.atomic():
        Representative.objects.bulk_create(
            Representative(congress=congress, person=p, delegation_id=p.unit_id) for p in new
        )
        audit.record(
            actor,
            "voice.representatives_added",
            congress,
            after={"employee_nos": [p.employee_no for p in new]},
        )
    return new


def remove_representative(actor, representative: Representative) -> None:
    require(can_keep(actor, representative.congress), "您无权维护该职代会的代表名单")
    with transaction.atomic():
        representative.delete()
        audit.record(
            actor,
            "voice.representative_removed",
            representative.congress,
            before={"employee_no": representative.person.employee_no},
        )


def representing(person: Person | None) -> QuerySet:
    """The congresses now taking proposals in which the person is a representative."""
    if person is None:
        return Congress.objects.none()
    return Congress.objects.filter(accepting=True, representatives__person=person)


def representatives_of(congress: Congress) -> QuerySet:
    return congress.representatives.select_related("person", "delegation")


# Proposing and seconding -------------------------------------------------------------------
def submit(actor, data: dict, *, congress: Congress, seconders, proposer=None):
    """A new proposal. Without ``proposer`` the actor proposes it online and the seconders are
    asked; with it, staff enter a paper proposal whose seconders signed it."""
    on_paper = proposer is not None
    proposer = proposer or getattr(actor, "person", None)
    if on_paper:
        require(can_keep(actor, congress), "您无权登记该职代会的提案")
    errors = intake.check_text(data)
    if not congress.accepting:
        errors["congress"] = f"{congress.name}目前不征集提案"
    mine = congress.representatives.filter(person=proposer).first() if proposer else None
    if mine is None:
        errors["congress"] = f"只有{congress.name}的职工代表可以提出提案"
    errors.update(_check_seconders(congress, proposer, list(seconders)))
    if errors:
        raise ValidationError(errors)
    limits = rule()
    voice = Voice(
        kind=Kind.PROPOSAL,
        channel=Channel.CONGRESS,
        identity=Identity.NAMED,  # a proposal is signed by its representative
        title=data["title"].strip(),
        content=data["content"].strip(),
        category=data.get("category"),
        unit=mine.delegation,
        person=proposer,
        user=getattr(proposer, "account", None),
        congress=congress,
        status=Status.SUBMITTED
        if on_paper and len(seconders) >= limits["min_seconders"]
        else Status.SECONDING,
    )
    code = services.new_query_code()
    voice.query_code_hash = services.code_hash(code)
    now = timezone.now()
    with transaction.atomic():
        voice.save()
        Seconder.objects.bulk_create(
            Seconder(
                voice=voice,
                person=p,
                answer=Answer.SECONDED if on_paper else Answer.INVITED,
                on_paper=on_paper,
                answered_at=now if on_paper else None,
            )
            for p in seconders
        )
        names = "、".join(p.name for p in seconders)
        services.add_event(voice, Action.SUBMIT, actor if on_paper else None, "经职代会提案")
        services.add_event(
            voice,
            Action.SECOND if on_paper else Action.INVITE,
            actor if on_paper else None,
            f"{names} 在纸质提案上签名附议" if on_paper else f"邀请 {names} 附议",
        )
        if not on_paper:
            notify.seconding_asked(voice, seconders)
        audit.record(
            actor,
            "voice.proposal",
            voice,
            after={"congress": congress.name, "seconders": [p.employee_no for p in seconders]},
        )
    return intake.Submitted(voice, code)


def _check_seconders(congress: Congress, proposer, seconders: list[Person]) -> dict:
    limits = rule()
    if len(seconders) < limits["min_seconders"]:
        return {
            "seconders": f"请选择至少 {limits['min_seconders']} 名职工代表附议（{rule().citation}）"
        }
    if len(seconders) > limits["max_seconders"]:
        return {"seconders": f"一件提案最多邀请 {limits['max_seconders']} 名代表附议"}
    if len({p.pk for p in seconders}) != len(seconders):
        return {"seconders": "同一名代表只能附议一次"}
    if proposer is not None and any(p.pk == proposer.pk for p in seconders):
        return {"seconders": "提案人不能附议自己的提案"}
    members = set(
        congress.representatives.filter(person__in=seconders).values_list("person_id", flat=True)
    )
    outsiders = [p.name for p in seconders if p.pk not in members]
    if outsiders:
        return {"seconders": f"{'、'.join(outsiders)} 不是{congress.name}的职工代表，不能附议"}
    return {}


def invite(actor, voice: Voice, seconders: list[Person]) -> Voice:
    """The proposer asks more representatives, e.g. after some declined."""
    with transaction.atomic():
        voice = services.locked(voice)
        require(services.is_submitter(actor, voice), "只有提案人可以邀请附议")
        services.expect_status(voice, Status.SECONDING, "该提案已不在征集附议阶段")
        asked = set(voice.seconders.values_list("person_id", flat=True))
        new = [p for p in seconders if p.pk not in asked]
        if not new:
            raise ValidationError({"seconders": "请选择尚未邀请过的代表"})
        if len(asked) + len(new) > rule()["max_seconders"]:
            raise ValidationError(
                {"seconders": f"一件提案最多邀请 {rule()['max_seconders']} 名代表附议"}
            )
        members = set(
            voice.congress.representatives.filter(person__in=new).values_list(
                "person_id", flat=True
            )
        )
        if any(p.pk not in members or p.pk == voice.person_id for p in new):
            raise ValidationError({"seconders": "只能邀请本届其他职工代表附议"})
        Seconder.objects.bulk_create(Seconder(voice=voice, person=p) for p in new)
        notify.seconding_asked(voice, new)
        services.add_event(
            voice, Action.INVITE, None, f"邀请 {'、'.join(p.name for p in new)} 附议"
        )
        audit.record(
            actor, "voice.invite", voice, after={"seconders": [p.employee_no for p in new]}
        )
    return voice


def asked_of(user) -> QuerySet:
    """Proposals waiting for this representative's 附议."""
    person = getattr(user, "person", None)
    if person is None:
        return Seconder.objects.none()
    return Seconder.objects.filter(
        person=person, answer=Answer.INVITED, voice__status=Status.SECONDING
    ).select_related("voice", "voice__person", "voice__congress")


def is_asked(user, voice: Voice) -> bool:
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and voice.seconders.filter(person_id=person_id).exists()


def second(actor, voice: Voice, *, agree: bool, note: str = "") -> Voice:
    """附议 or 不附议. Once enough representatives second it, the proposal goes to the admins."""
    person_id = getattr(actor, "person_id", None)
    with transaction.atomic():
        voice = services.locked(voice)
        services.expect_status(voice, Status.SECONDING, "该提案已不在征集附议阶段")
        mine = voice.seconders.select_for_update().filter(person_id=person_id).first()
        require(mine is not None, "您没有被邀请附议该提案")
        if mine.answer != Answer.INVITED:
            raise ValidationError({"status": f"您已{mine.get_answer_display()}，不能重复表态"})
        mine.answer = Answer.SECONDED if agree else Answer.DECLINED
        mine.answered_at = timezone.now()
        mine.save()
        services.add_event(voice, Action.SECOND if agree else Action.DECLINE_SECOND, actor, note)
        enough = voice.seconders.filter(answer=Answer.SECONDED).count() >= rule()["min_seconders"]
        if enough:
            voice.status = Status.SUBMITTED
            voice.save(update_fields=["status"])
        audit.record(actor, "voice.second", voice, after={"agree": agree, "ready": enough})
    return voice


def tally(voice: Voice) -> dict[str, int]:
    counts = dict.fromkeys(Answer.values, 0)
    for answer in voice.seconders.values_list("answer", flat=True):
        counts[answer] += 1
    return counts
