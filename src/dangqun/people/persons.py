"""Person data: register and change a person, reveal an ID number or a phone number, match an ID
number. Each change is
permission-checked, audited and transactional."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dangqun.accounts.scope import require
from dangqun.core import audit, crypto, idnumber
from dangqun.core.pinyin import search_key
from dangqun.people.membership import save_profile
from dangqun.people.models import Person
from dangqun.people.rules import (
    PERSON_FIELDS,
    can_change_person,
    can_place_in,
    can_reveal_id,
    can_reveal_phone,
    check_person_data,
    check_profile_data,
)


def audited(values: dict[str, Any]) -> dict[str, Any]:
    """A person's values as audit rows keep them: the phone number masked as pages show it
    (``idnumber.mask_phone``; the full number needs a reveal, itself audited). Mask after
    ``audit.diff``: two numbers may share a mask."""
    if values.get("phone"):
        return {**values, "phone": idnumber.mask_phone(values["phone"])}
    return values


def apply_person(person: Person, data: dict[str, Any]) -> None:
    for field in PERSON_FIELDS:
        key = field.removesuffix("_id")
        if key in data:
            setattr(person, key, data[key])
    if data.get("id_number"):
        parsed = idnumber.parse(data["id_number"])
        person.set_id_number(parsed.value)
        person.birth_date = parsed.birth_date
        person.gender = parsed.gender
    person.name = person.name.strip()
    person.employee_no = person.employee_no.strip()
    person.name_pinyin = search_key(person.name)


def _raise_unique(exc: IntegrityError) -> None:
    text = str(exc).lower()
    if "id_number_hash" in text:
        raise ValidationError({"id_number": "该公民身份号码已登记在其他人员名下"}) from exc
    if "employee_no" in text:
        raise ValidationError({"employee_no": "该工号已被使用"}) from exc
    raise exc


def _birth_date(data: dict[str, Any], errors: dict[str, str]) -> datetime.date | None:
    """The birth date given, else the one in a valid ID number."""
    if data.get("birth_date") or not data.get("id_number") or "id_number" in errors:
        return data.get("birth_date")
    return idnumber.parse(data["id_number"]).birth_date


@transaction.atomic
def create_person(actor, data: dict[str, Any], profile: dict[str, Any] | None = None) -> Person:
    """Register a person (and their party profile when they are a member)."""
    errors = check_person_data(data)
    if profile is not None:
        errors.update(check_profile_data(profile, birth_date=_birth_date(data, errors)))
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        require(can_place_in(actor, data["unit"]), "您无权在该单位登记人员")
        if profile is not None:
            require(can_place_in(actor, profile["branch"]), "您无权把党员编入该党组织")
    person = Person()
    apply_person(person, data)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        _raise_unique(exc)
    if profile is not None:
        save_profile(actor, person, profile, created=True)
    after = audited(audit.snapshot(person, PERSON_FIELDS))
    audit.record(actor, "person.create", person, after=after)
    return person


@transaction.atomic
def update_person(actor, person: Person, data: dict[str, Any]) -> Person:
    """Change a person's fields. Unchanged values write no audit row."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if actor is not None:
        require(can_change_person(actor, person), "您无权修改该人员信息")
        if "unit" in data and data["unit"] != person.unit:
            require(can_place_in(actor, data["unit"]), "您无权把人员调入该单位")
    merged = {f.removesuffix("_id"): getattr(person, f.removesuffix("_id")) for f in PERSON_FIELDS}
    if data.get("id_number"):  # a new number brings its own birth date and gender
        merged.pop("birth_date")
        merged.pop("gender")
    merged.update(data)
    merged.pop("id_number", None)
    if data.get("id_number"):
        merged["id_number"] = data["id_number"]
    elif person.id_number_encrypted and ({"birth_date", "gender"} & data.keys()):
        # the stored number still decides the birth date and gender
        merged["id_number"] = crypto.decrypt(person.id_number_encrypted)
    errors = check_person_data(merged, instance=person)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(person, [*PERSON_FIELDS, "id_number_hash"])
    apply_person(person, data)
    after = audit.snapshot(person, [*PERSON_FIELDS, "id_number_hash"])
    before, after = audit.diff(before, after)
    if not after:
        return person
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        _raise_unique(exc)
    if "id_number_hash" in after:  # never put the number itself, or its hash, in the log
        before["id_number_hash"] = after["id_number_hash"] = "（已变更）"
    audit.record(actor, "person.update", person, before=audited(before), after=audited(after))
    return person


@transaction.atomic
def reveal_id_number(actor, person: Person) -> str:
    """The full ID number, for those allowed to see it; every reveal is audited."""
    require(can_reveal_id(actor, person), "您无权查看完整的公民身份号码")
    audit.record(actor, "person.reveal_id_number", person)
    return person.reveal_id_number()


@transaction.atomic
def reveal_phone(actor, person: Person) -> str:
    """The full phone number (lists show it masked), for those allowed; every reveal is audited."""
    require(can_reveal_phone(actor, person), "您无权查看完整的联系电话")
    audit.record(actor, "person.reveal_phone", person)
    return person.phone


def find_by_id_number(value: str, queryset=None):
    """Match a person by ID number through its keyed hash (the number itself is encrypted)."""
    queryset = Person.objects.all() if queryset is None else queryset
    return queryset.filter(id_number_hash=crypto.keyed_hash(idnumber.normalise(value))).first()
