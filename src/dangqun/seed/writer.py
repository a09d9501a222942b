"""Write a plan to the database in bulk: organisations with hand-built tree paths, people with
encrypted ID numbers, party profiles with their history, terms and posts.

Everything a service would have written is written here too (the FOUNDED org events, the JOINED and
CONFIRMED member events, political status consistent with the profile), only in chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import islice

from dangqun.core.pinyin import search_key
from dangqun.orgs.models import Org, OrgEvent, Post, System, Term
from dangqun.people.models import MemberEvent, PartyProfile, Person
from dangqun.seed.plan import Plan
from dangqun.seed.population import member_events

BATCH = 2000
ACTOR = "系统"


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class PlanWriter:
    def __init__(self, plan: Plan, progress: Callable[[str], None] | None = None):
        self.plan = plan
        self.progress = progress or (lambda message: None)
        self.org_pk: dict[int, int] = {}
        self.person_pk: dict[int, int] = {}
        self.term_pk: dict[int, int] = {}

    def write(self) -> None:
        self.orgs()
        self.people()
        self.profiles_and_events()
        self.terms_and_posts()

    # Organisations ----------------------------------------------------------------------------
    def orgs(self) -> None:
        units = [n for n in self.plan.orgs if n.system == System.ENTERPRISE]
        others = [n for n in self.plan.orgs if n.system != System.ENTERPRISE]
        for chunk in [
            *_chunks(units, BATCH),
            *_chunks(others, BATCH),
        ]:  # units first: others point at them
            objects = [
                Org(
                    path=node.path,
                    depth=node.depth,
                    numchild=len(node.children),
                    name=node.name,
                    short_name=node.short_name,
                    system=node.system,
                    kind=node.kind,
                    unit_id=self.org_pk[node.unit] if node.unit is not None else None,
                    unit_situation=node.unit_situation,
                    founded_on=node.founded_on,
                    approves_members=node.kind == "party_committee",  # every 党委 approves
                )
                for node in chunk
            ]
            Org.objects.bulk_create(objects)
            for node, obj in zip(chunk, objects, strict=True):
                self.org_pk[node.index] = obj.pk
        through = Org.covered_units.through
        through.objects.bulk_create(
            [
                through(from_org_id=self.org_pk[node.index], to_org_id=self.org_pk[unit])
                for node in self.plan.orgs
                for unit in node.covered
            ]
        )
        events = (
            OrgEvent(
                org_id=self.org_pk[node.index],
                type=OrgEvent.Type.FOUNDED,
                on=node.founded_on,
                after={
                    "name": node.name,
                    "parent": self.plan.orgs[node.parent].name if node.parent is not None else "",
                },
                actor_name=ACTOR,
            )
            for node in self.plan.orgs
        )
        for chunk in _chunks(events, BATCH):
            OrgEvent.objects.bulk_create(chunk)
        self.progress(f"组织 {len(self.plan.orgs)} 个")

    # People -----------------------------------------------------------------------------------
    def people(self) -> None:
        pinyin = cache(search_key)
        org_pk = self.org_pk
        written = 0
        for chunk in _chunks(self.plan.people, BATCH):
            objects = []
            for planned in chunk:
                person = Person(
                    employee_no=planned.employee_no,
                    name=planned.name,
                    name_pinyin=pinyin(planned.name),
                    gender=planned.gender,
                    ethnicity=planned.ethnicity,
                    birth_date=planned.birth_date,
                    education=planned.education,
                    unit_id=org_pk[planned.unit],
                    party_branch_id=(
                        org_pk[planned.profile.branch] if planned.profile is not None else None
                    ),
                    is_current_member=(
                        planned.profile is not None and planned.profile.left_on is None
                    ),
                    job_post=planned.job_post,
                    phone=planned.phone,
                    address=planned.address,
                    political_status=planned.political_status,
                    union_org_id=org_pk[planned.union_org]
                    if planned.union_org is not None
                    else None,
                    league_org_id=(
                        org_pk[planned.league_org] if planned.league_org is not None else None
                    ),
                    employment_status=planned.employment_status,
                )
                person.set_id_number(planned.id_number)
                objects.append(person)
            Person.objects.bulk_create(objects)
            for planned, obj in zip(chunk, objects, strict=True):
                self.person_pk[planned.index] = obj.pk
            written += len(objects)
            if written % 50_000 < BATCH:
                self.progress(f"人员 {written} 人")

    def profiles_and_events(self) -> None:
        members = [p for p in self.plan.people if p.profile is not None]
        org_pk, person_pk = self.org_pk, self.person_pk
        for chunk in _chunks(members, BATCH):
            profiles, events = [], []
            for planned in chunk:
                profile = planned.profile
                person_id = person_pk[planned.index]
                profiles.append(
                    PartyProfile(
                        person_id=person_id,
                        branch_id=org_pk[profile.branch],
                        joined_on=profile.joined_on,
                        full_member_on=profile.full_member_on,
                        category=profile.category,
                        standing=profile.standing,
                        lost_contact_on=profile.lost_contact_on,
                        floating_to=profile.floating_to,
                        left_on=profile.left_on,
                        left_reason=profile.left_reason,
                    )
                )
                for event in member_events(profile):
                    events.append(
                        MemberEvent(
                            person_id=person_id,
                            type=event["type"],
                            on=event["on"],
                            from_branch_id=org_pk[event["from"]] if "from" in event else None,
                            to_branch_id=org_pk[event["to"]] if "to" in event else None,
                            counterpart=event.get("counterpart", ""),
                            note=event.get("note", ""),
                            actor_name=ACTOR,
                        )
                    )
            PartyProfile.objects.bulk_create(profiles)
            MemberEvent.objects.bulk_create(events, batch_size=BATCH)
        self.progress(f"党员 {len(members)} 名")

    # Terms and posts --------------------------------------------------------------------------
    def terms_and_posts(self) -> None:
        org_pk = self.org_pk
        terms = [
            Term(
                org_id=org_pk[t.org],
                number=t.number,
                elected_on=t.elected_on,
                years=t.years,
                has_committee=t.has_committee,
            )
            for t in self.plan.terms
        ]
        Term.objects.bulk_create(terms, batch_size=BATCH)
        self.term_pk = {index: term.pk for index, term in enumerate(terms)}
        posts = [
            Post(
                org_id=org_pk[p.org],
                term_id=self.term_pk[p.term] if p.term is not None else None,
                person_id=self.person_pk[p.person],
                title=p.title,
                started_on=p.started_on,
            )
            for p in self.plan.posts
        ]
        Post.objects.bulk_create(posts, batch_size=BATCH)
        self.progress(f"任期 {len(terms)} 届，职务 {len(posts)} 个")
