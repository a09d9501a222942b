"""Who a record is for — a training class, a study material, an exam, and any other record sent
to a group of people: party members (all, 正式 or 预备), the 书记 and 委员 of party organisations,
or every employee — within chosen sub-trees, or within the organiser's own sub-tree when none is
chosen. One definition for every such model (``AudienceFields``; the model also has ``org``, its
organiser) and three questions: who is in it (``people``), is this person in it (``includes``),
and which records are for this person (``for_person``). People are placed by where they are now,
so someone who moves unit between publishing and reading sees what their new unit is sent.
An audience of 全体职工 drawn from a party (union, league) organisation also holds the employees
of the enterprise unit it sits in (``Org.unit``), as a grant there covers them."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangqun.orgs.models import LEADER_TITLES, Org, Post, System
from dangqun.people.models import Person, PoliticalStatus


class Who(models.TextChoices):
    MEMBERS = "members", "全体党员（含预备党员）"
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    LEADERS = "leaders", "党组织书记和委员"
    EVERYONE = "everyone", "全体职工"


class AudienceFields(models.Model):
    """The audience of a record; the record also has ``org``, its organiser."""

    audience_who = models.CharField("对象", max_length=16, choices=Who.choices, default=Who.MEMBERS)
    audience_orgs = models.ManyToManyField(
        "orgs.Org",
        verbose_name="范围（可不选）",
        blank=True,
        related_name="+",
        help_text="不选：组织单位（含下级）的全部对象",
    )

    class Meta:
        abstract = True


def _current_posts():
    today = timezone.localdate()
    return Post.objects.filter(
        title__in=LEADER_TITLES, org__system=System.PARTY, started_on__lte=today
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))


def _who(who: str) -> Q:
    if who == Who.EVERYONE:
        return Q(employment_status="active")
    members = Q(is_current_member=True)
    if who == Who.FULL:
        return members & Q(political_status=PoliticalStatus.PARTY_MEMBER)
    if who == Who.PROBATIONARY:
        return members & Q(political_status=PoliticalStatus.PROBATIONARY)
    if who == Who.LEADERS:
        return Q(Exists(_current_posts().filter(person_id=OuterRef("pk"))))
    return members


def _within(paths: list[str]) -> Q:
    """A person whose party branch or unit lies in one of the sub-trees."""
    found = Q(pk__in=[])
    for path in paths:
        found |= Q(party_branch__path__startswith=path) | Q(unit__path__startswith=path)
    return found


def roots(record) -> list[Org]:
    """The sub-trees the audience is drawn from: those chosen, else the organiser's."""
    chosen = list(record.audience_orgs.all()) if record.pk else []
    return chosen or [record.org]


def _unit_paths(orgs) -> list[str]:
    """The enterprise units the organisations sit in (a 党委's company): every employee of a
    party, union or league organisation's unit is in an audience of 全体职工."""
    ids = [org.unit_id for org in orgs if getattr(org, "unit_id", None)]
    return list(Org.objects.filter(pk__in=ids).values_list("path", flat=True)) if ids else []


def people(record) -> QuerySet:
    """Everyone the record is for."""
    chosen = roots(record)
    paths = [org.path for org in chosen]
    if record.audience_who == Who.EVERYONE:
        paths += _unit_paths(chosen)
    return Person.objects.filter(_who(record.audience_who)).filter(_within(paths)).distinct()


def includes(record, person) -> bool:
    return people(record).filter(pk=person.pk).exists()


def _paths_of(person) -> list[str]:
    """Every organisation above (and including) the person's unit and party branch."""
    paths = [org.path for org in (person.unit, person.party_branch) if org is not None]
    return sorted({p[:i] for p in paths for i in range(Org.steplen, len(p) + 1, Org.steplen)})


def for_person(rows: QuerySet, person) -> QuerySet:
    """The records of ``rows`` (a learning model's queryset) whose audience holds ``person``."""
    if person is None:
        return rows.none()
    whos = [Who.EVERYONE] if person.employment_status == "active" else []
    if person.is_current_member:
        whos.append(Who.MEMBERS)
        if person.political_status == PoliticalStatus.PARTY_MEMBER:
            whos.append(Who.FULL)
        if person.political_status == PoliticalStatus.PROBATIONARY:
            whos.append(Who.PROBATIONARY)
    if _current_posts().filter(person=person).exists():
        whos.append(Who.LEADERS)
    paths = _paths_of(person)
    through = rows.model.audience_orgs.through.objects
    chosen = through.filter(**{f"{rows.model._meta.model_name}_id": OuterRef("pk")})
    mine = chosen.filter(org__path__in=paths)
    found = Q(Exists(mine)) | (~Q(Exists(chosen)) & Q(org__path__in=paths))
    if Who.EVERYONE in whos:  # 全体职工 of a party (union, league) organisation: its unit's too
        by_unit = Q(Exists(chosen.filter(org__unit__path__in=paths))) | (
            ~Q(Exists(chosen)) & Q(org__unit__path__in=paths)
        )
        found |= Q(audience_who=Who.EVERYONE) & by_unit
    return rows.filter(audience_who__in=whos).filter(found)
