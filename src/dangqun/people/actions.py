"""What can be done to a person's record, by whom and with which form: tables (``core.actions``)
that the pages and the API share. ``ACTIONS`` are done to one person (edit, the party profile,
a membership event; ``POST /api/people/{id}/{step}/``); ``REGISTER`` registers a new one."""

from dangqun.accounts.roles import CHANGE_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core import actions
from dangqun.core.actions import Action, Outcome
from dangqun.people import forms, services
from dangqun.people.models import PartyProfile

PERSON_FIELDS_ON_FORM = [
    "employee_no",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "job_post",
    "phone",
    "address",
    "political_status",
    "employment_status",
]
REFUSED_REGISTER = "您无权登记人员"


def _orgs(user) -> dict:
    return {"orgs": Scope.of(user).orgs(CHANGE_PEOPLE)}


def _person_form(user, person) -> dict:
    profile = PartyProfile.objects.filter(person=person).first()
    initial = {field: getattr(person, field) for field in PERSON_FIELDS_ON_FORM}
    initial.update(
        unit=person.unit_id, union_org=person.union_org_id, league_org=person.league_org_id
    )
    is_member = profile is not None and profile.is_current
    return {**_orgs(user), "is_member": is_member, "initial": initial}


def _profile_form(user, person) -> dict:
    profile = PartyProfile.objects.filter(person=person).first()
    initial = {}
    if profile is not None:
        initial = {
            "branch": profile.branch_id,
            "joined_on": profile.joined_on,
            "full_member_on": profile.full_member_on,
            "category": profile.category,
            "floating_to": profile.floating_to,
        }
    return {**_orgs(user), "initial": initial}


def _member_event(user, person, data):
    return services.record_member_event(
        user,
        person,
        data["type"],
        on=data["on"],
        to_branch=data.get("to_branch"),
        counterpart=data.get("counterpart", ""),
        note=data.get("note", ""),
    )


# The services check the change permission again and audit; pages and API ask
# ``services.require_changeable`` first (outside the scope 404, read-only 403).
ACTIONS: dict[str, Action] = {
    "edit": Action(
        forms.PersonForm,
        lambda u, p, d: services.update_person(u, p, forms.person_data(d)),
        form_kwargs=_person_form,
        done="已保存。",
    ),
    "edit_profile": Action(
        forms.ProfileForm,
        lambda u, p, d: services.set_party_profile(u, p, d),
        form_kwargs=_profile_form,
        done="党员信息已保存。",
    ),
    "member_event": Action(
        forms.MemberEventForm,
        _member_event,
        form_kwargs=lambda u, p: _orgs(u),
        done="已登记，并记入党员经历。",
    ),
}

REGISTER: dict[str, Action] = {
    "create": Action(
        forms.PersonForm,
        lambda u, _, d: services.create_person(u, forms.person_data(d)),
        allowed=lambda u, _: services.may_register(u),
        form_kwargs=lambda u, _: _orgs(u),
        done="人员已登记。",
        refused=REFUSED_REGISTER,
    ),
}


def run(user, person, name: str, data) -> Outcome:
    """Do the action ``name`` to the person (404 unknown)."""
    return actions.run(ACTIONS, user, person, name, data)


def register(user, data) -> Outcome:
    """Register a new person from the form's data (403 without the right)."""
    return actions.run(REGISTER, user, None, "create", data)
