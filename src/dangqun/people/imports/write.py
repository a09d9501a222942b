"""Writing planned rows: people, party profiles, member events and audit rows in bulk, one
transaction per chunk."""

from __future__ import annotations

from django.utils import timezone

from dangqun.core import audit
from dangqun.core.bulk import bulk_update, insert_rows
from dangqun.core.models import AuditLog
from dangqun.people import membership
from dangqun.people.imports.plan import TRACKED, Plan
from dangqun.people.imports.rows import PROFILE_KEYS
from dangqun.people.models import ImportJob, MemberEvent, PartyProfile, Person
from dangqun.people.services import PERSON_FIELDS, PROFILE_FIELDS, audited

IMPORTED_PROFILE_FIELDS = ["branch_id", "joined_on", "full_member_on", "category"]


class Writer:
    """Write planned rows chunk by chunk; each chunk is one transaction with its audit rows."""

    def __init__(self, job: ImportJob, actor):
        self.job = job
        self.actor = actor
        self.actor_name = actor.get_username()
        self.created = self.updated = 0

    def write(self, chunk: list[Plan]) -> None:
        """Call inside a transaction."""
        entries: list = []
        events: list[MemberEvent] = []
        new = [p for p in chunk if p.is_new]
        known = [p for p in chunk if not p.is_new]  # before the new ones get their pks
        self._create(new, entries, events)
        self._update(known, entries, events)
        insert_rows(MemberEvent, events)
        insert_rows(AuditLog, entries)
        membership.members_changed([p.person.pk for p in chunk if p.profile is not None])

    def _create(self, plans: list[Plan], entries: list, events: list) -> None:
        if not plans:
            return
        profiles = {}
        for plan in plans:
            if plan.profile is not None:
                profiles[id(plan)] = self._new_profile(plan.person, plan.profile, events)
                plan.person.copy_party_profile(profiles[id(plan)])  # docs/decisions/0005
        insert_rows(Person, [plan.person for plan in plans])
        for plan in plans:
            entries.append(
                audit.build(
                    self.actor,
                    "person.create",
                    plan.person,
                    after=audited(audit.snapshot(plan.person, PERSON_FIELDS)),
                )
            )
        # each profile takes its person_id from its now saved person
        insert_rows(PartyProfile, list(profiles.values()))
        for profile in profiles.values():
            entries.append(
                audit.build(
                    self.actor, "party_profile.create", profile, after=audit.snapshot(profile)
                )
            )
        self.created += len(plans)

    def _new_profile(self, person: Person, values: dict, events: list) -> PartyProfile:
        """As ``membership.save_profile``: the profile, its 入党 and 转正 events."""
        profile = PartyProfile(person=person, **{k: values[k] for k in PROFILE_KEYS})
        events.append(
            MemberEvent(
                person=person,
                type=MemberEvent.Type.JOINED,
                on=profile.joined_on,
                to_branch=profile.branch,
                note="建档",
                actor_name=self.actor_name,
            )
        )
        if profile.full_member_on:
            events.append(
                MemberEvent(
                    person=person,
                    type=MemberEvent.Type.CONFIRMED,
                    on=profile.full_member_on,
                    to_branch=profile.branch,
                    actor_name=self.actor_name,
                )
            )
        return profile

    def _update(self, plans: list[Plan], entries: list, events: list) -> None:
        """Re-read the people under a lock and apply the rows to them: a concurrent edit to
        another field is kept, and the audit rows show the real before and after."""
        if not plans:
            return
        ids = [plan.person.pk for plan in plans]
        fresh = Person.objects.select_for_update().in_bulk(ids)
        profiles = {
            p.person_id: p
            for p in PartyProfile.objects.select_for_update().filter(person_id__in=ids)
        }
        now = timezone.now()
        changed_people: dict[int, Person] = {}
        changed_fields: set[str] = set()
        new_profiles: list[PartyProfile] = []
        changed_profiles: list[PartyProfile] = []
        for plan in plans:
            person = fresh[plan.person.pk]
            before = audit.snapshot(person, TRACKED)
            for name in plan.fields:  # values computed by apply_person when planning
                setattr(person, name, getattr(plan.person, name))
            before, after = audit.diff(before, audit.snapshot(person, TRACKED))
            touched = bool(after)
            if after:
                person.updated_at = now
                changed_people[person.pk] = person
                changed_fields.update(plan.fields)
                if "id_number_hash" in after:
                    before["id_number_hash"] = after["id_number_hash"] = "（已变更）"
                entries.append(
                    audit.build(
                        self.actor,
                        "person.update",
                        person,
                        before=audited(before),
                        after=audited(after),
                    )
                )
            if plan.profile is not None:
                current = profiles.get(person.pk)
                if current is None:
                    current = self._new_profile(person, plan.profile, events)
                    new_profiles.append(current)
                    touched = True
                elif self._change_profile(current, person, plan.profile, entries, events):
                    changed_profiles.append(current)
                    touched = True
                copied = person.copy_party_profile(current)  # docs/decisions/0005
                if copied:
                    person.updated_at = now
                    changed_people[person.pk] = person
                    changed_fields.update(copied)
            self.updated += touched
        if changed_people:
            fields = sorted({Person._meta.get_field(name).name for name in changed_fields})
            bulk_update(Person, list(changed_people.values()), [*fields, "updated_at"])
        insert_rows(PartyProfile, new_profiles)
        for profile in new_profiles:
            entries.append(
                audit.build(
                    self.actor, "party_profile.create", profile, after=audit.snapshot(profile)
                )
            )
        if changed_profiles:
            bulk_update(
                PartyProfile,
                changed_profiles,
                [f.removesuffix("_id") for f in IMPORTED_PROFILE_FIELDS],
            )

    def _change_profile(self, profile, person, values, entries, events) -> bool:
        """As ``membership.set_party_profile``: an internal-move event when the branch changes."""
        before = audit.snapshot(profile, PROFILE_FIELDS)
        for key in PROFILE_KEYS:
            setattr(profile, key, values[key])
        before, after = audit.diff(before, audit.snapshot(profile, PROFILE_FIELDS))
        if not after:
            return False
        if "branch_id" in after and profile.is_current:
            events.append(
                MemberEvent(
                    person=person,
                    type=MemberEvent.Type.INTERNAL_MOVE,
                    on=timezone.localdate(),
                    from_branch_id=before["branch_id"],
                    to_branch=profile.branch,
                    actor_name=self.actor_name,
                )
            )
        profile.person = person
        entries.append(
            audit.build(self.actor, "party_profile.update", profile, before=before, after=after)
        )
        return True
