"""What can be done to accounts, by whom and with which form: tables (``core.actions``) that the
pages and the API share. ``NEW_ACTIONS`` make an account (no record yet); ``ACTIONS`` are done to
one account (its page and ``POST /api/accounts/{id}/{step}/``); ``GRANT_ACTIONS`` to one of its
role grants (revoking it)."""

from collections.abc import Mapping

from dangqun.accounts import forms, services
from dangqun.core import actions
from dangqun.core.actions import Action, Outcome


def _create(user, _none, data):
    return services.create_account(
        user,
        username=data["username"],
        full_name=data["full_name"],
        password=data["password"],
        employee_no=data["employee_no"],
    )


def _edit(user, account, data):
    return services.update_account(
        user,
        account,
        full_name=data["full_name"],
        employee_no=data["employee_no"],
        is_active=data["is_active"],
        password=data["password"],
    )


def edit_initial(account) -> dict:
    """What the edit form shows before anything is typed: the account as it is."""
    return {
        "username": account.username,
        "full_name": account.first_name,
        "employee_no": account.person.employee_no if account.person_id else "",
        "is_active": account.is_active,
    }


def keeping_the_rest(account, data):
    """The edit step's input for a caller that sends only what changes (the API): the fields
    left out keep the account's values (a page always sends every field)."""
    if not isinstance(data, Mapping):
        return data  # not fields: ``core.actions.run`` refuses it
    return {**edit_initial(account), **data}


NEW_ACTIONS: dict[str, Action] = {
    "create": Action(
        forms.AccountForm,
        _create,
        allowed=lambda u, _none: services.can_manage_accounts(u),
        done="账号已创建。",
        refused=services.CREATORS_ONLY,
    ),
}

ACTIONS: dict[str, Action] = {
    "edit": Action(
        forms.AccountEditForm,
        _edit,
        allowed=lambda u, account: services.can_manage_accounts(u),
        form_kwargs=lambda u, account: {"initial": edit_initial(account)},
        done="已保存。",
        refused=services.MANAGERS_ONLY,
    ),
    "grant": Action(
        forms.GrantForm,
        lambda u, account, d: services.grant_role(u, account, d["role"], d["org"]),
        allowed=lambda u, account: services.can_grant_roles(u),
        done="已授权。",
        refused=services.GRANTERS_ONLY,
    ),
}

GRANT_ACTIONS: dict[str, Action] = {
    "revoke": Action(
        None,
        lambda u, grant, d: services.revoke_role(u, grant),
        allowed=lambda u, grant: services.can_grant_roles(u),
        done="已撤销授权。",
        refused=services.REVOKERS_ONLY,
    ),
}


def create(user, data) -> Outcome:
    """Make an account (403 for whoever is not a system admin)."""
    return actions.run(NEW_ACTIONS, user, None, "create", data)


def run(user, account, name: str, data) -> Outcome:
    """Do the action ``name`` to the account (404 unknown, 403 not allowed)."""
    return actions.run(ACTIONS, user, account, name, data)


def revoke(user, grant) -> Outcome:
    """Revoke one role grant (403 for whoever is not a security admin)."""
    return actions.run(GRANT_ACTIONS, user, grant, "revoke", {})
