"""What can be done to an organisation, by whom and with which form: tables (``core.actions``)
that the pages and the API share. ``ACTIONS`` are done to one organisation (its pages and
``POST /api/orgs/{id}/{step}/``); ``POST_ACTIONS`` to one post of it (ending it)."""

from dangqun.core import actions
from dangqun.core.actions import Action, Outcome
from dangqun.orgs import forms, services
from dangqun.people import services as people_services

REFUSED = "您无权修改该组织"


def _changer(form, do, done: str, **kwargs) -> Action:
    return Action(form, do, allowed=services.can_change, done=done, refused=REFUSED, **kwargs)


def _add_child(user, parent, data):
    unit = {"unit": data["unit"]} if data.get("unit") else {}
    return services.create_org(
        user,
        parent=parent,
        name=data["name"],
        kind=data["kind"],
        founded_on=data["founded_on"],
        **unit,
    )


def _edit(user, org, data):
    data = dict(data)
    on = data.pop("on")
    return services.update_org(user, org, on=on, **data)


def _edit_form(user, org) -> dict:
    initial = {
        "name": org.name,
        "short_name": org.short_name,
        "unit": org.unit_id,
        "unit_situation": org.unit_situation,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "approves_members": org.approves_members,
    }
    return {"org": org, "units": services.unit_choices(), "initial": initial}


ACTIONS: dict[str, Action] = {
    "add_child": _changer(
        forms.OrgCreateForm,
        _add_child,
        "已新建下级组织。",
        form_kwargs=lambda u, org: {"parent": org, "units": services.unit_choices()},
    ),
    "edit": _changer(forms.OrgEditForm, _edit, "已保存，变更已记入沿革。", form_kwargs=_edit_form),
    "move": _changer(
        forms.OrgMoveForm,
        lambda u, org, d: services.move_org(u, org, d["new_parent"], on=d["on"]),
        "已调整隶属关系，下级组织随之调整。",
        form_kwargs=lambda u, org: {"targets": services.move_targets(u, org)},
    ),
    "dissolve": _changer(
        forms.OrgDissolveForm,
        lambda u, org, d: services.dissolve_org(u, org, on=d["on"], note=d["note"]),
        "组织已撤销，历史记录保留。",
    ),
    "new_term": _changer(
        forms.TermForm,
        lambda u, org, d: services.start_term(
            u, org, elected_on=d["elected_on"], years=d["years"], has_committee=d["has_committee"]
        ),
        "已登记换届，上一届同时结束。",
        form_kwargs=lambda u, org: {"initial": {"years": services.default_term_years(org.kind)}},
    ),
    "appoint": _changer(
        forms.PostForm,
        lambda u, org, d: services.appoint(
            u, org, d["person"], d["title"], started_on=d["started_on"]
        ),
        "已登记任职。",
        form_kwargs=lambda u, org: {"people": people_services.visible_to(u)},
    ),
}

POST_ACTIONS: dict[str, Action] = {
    "end_post": Action(
        forms.PostEndForm,
        lambda u, post, d: services.end_post(u, post, ended_on=d["ended_on"]),
        allowed=lambda u, post: services.can_change(u, post.org),
        done="已登记离任。",
        refused=REFUSED,
    ),
}


def run(user, org, name: str, data) -> Outcome:
    """Do the action ``name`` to the organisation (404 unknown, 403 not allowed)."""
    return actions.run(ACTIONS, user, org, name, data)


def run_on_post(user, post, name: str, data) -> Outcome:
    """Do the action ``name`` to one post of an organisation (404 unknown, 403 not allowed)."""
    return actions.run(POST_ACTIONS, user, post, name, data)
