"""The actions table every domain app keeps in its ``actions.py``: each named action has the form
that reads its input, the check that says who may do it and the service that does it. A page's
POST and the API's JSON run the same table through ``run``, so input is read by the same form
and a refusal (a service's ``ValidationError`` citing its rule) reads the same everywhere: as the
form's error on a page (status 422) and as a 400 with the same messages per field in the API.

    ACTIONS = {
        "leave": Action(forms.LeaveForm, lambda u, m, d: services.request_leave(u, m, d["reason"]),
                        done="已请假"),
    }
    outcome = actions.run(ACTIONS, request.user, meeting, "leave", request.POST, request.FILES)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.datastructures import MultiValueDict

from dangqun.core.forms import add_errors

NOT_ALLOWED = "您无权执行此操作"
NOT_FIELDS = "请求内容应为按字段填写的表单或 JSON 对象"


class NoFieldsForm(forms.Form):
    """Carries the errors of an action that takes no input."""


@dataclass(frozen=True)
class Action:
    """One thing a user can do to a record.

    ``form``: the form class that reads the input (None: the action takes none);
    ``do(user, obj, cleaned_data)``: the service call, which checks again and audits;
    ``allowed(user, obj)``: who may, asked before the form is read (None: the service decides);
    ``form_kwargs(user, obj)``: what the form needs to build its choices;
    ``done``: what a page says when it worked.
    """

    form: type[forms.Form] | None
    do: Callable[[Any, Any, dict], Any]
    allowed: Callable[[Any, Any], bool] | None = None
    form_kwargs: Callable[[Any, Any], dict] | None = None
    done: str = "已完成"
    refused: str = NOT_ALLOWED


@dataclass
class Outcome:
    """What ``run`` did: the form (bound, with any errors) and the service's result; ``refused``
    when the input was read and the service refused it (not the form)."""

    form: forms.Form | None
    result: Any = None
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.form is None or not self.form.errors


def find(table: dict[str, Action], name: str) -> Action:
    try:
        return table[name]
    except KeyError:
        raise Http404("没有这个操作") from None


def may(table: dict[str, Action], user, obj, name: str) -> bool:
    """Whether the user may try the action (the page shows its button)."""
    action = table.get(name)
    return action is not None and (action.allowed is None or bool(action.allowed(user, obj)))


def build_form(action: Action, user, obj, data=None, files=None) -> forms.Form | None:
    if action.form is None:
        return None
    kwargs = action.form_kwargs(user, obj) if action.form_kwargs else {}
    return action.form(data, files, **kwargs)


def run(table: dict[str, Action], user, obj, name: str, data, files=None) -> Outcome:
    """Do the action ``name`` on ``obj``: 404 for an unknown name, 403 when not allowed, else the
    outcome with the form carrying the reasons when the input or the service refused."""
    action = find(table, name)
    if action.allowed is not None and not action.allowed(user, obj):
        raise PermissionDenied(action.refused)
    if not isinstance(data, Mapping):  # a JSON body that is a list or a number, not fields
        refused = NoFieldsForm({})
        refused.is_valid()
        refused.add_error(None, NOT_FIELDS)
        return Outcome(refused)
    form = build_form(action, user, obj, data, files)
    if form is not None and not isinstance(data, MultiValueDict):  # a page's POST is one
        form.data = as_form_values(form, data)
    if form is not None and not form.is_valid():
        return Outcome(form)
    try:
        result = action.do(user, obj, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is None:  # an action without fields: the errors need a (validated) form to sit on
            form = NoFieldsForm({})
            form.is_valid()
        add_errors(form, exc)
        return Outcome(form, refused=True)
    return Outcome(form, result)


def as_form_values(form: forms.Form, data: Mapping) -> dict:
    """A JSON body as a form reads a POST: a number or a list given for a one-value field becomes
    its text (refused by the field in Chinese, not a server error); check boxes and multiple
    choices keep what they got."""
    values = dict(data)
    for key, value in data.items():
        field = form.fields.get(key)
        if field is None or value is None or isinstance(value, str):
            continue
        if isinstance(field.widget, forms.CheckboxInput) or getattr(
            field.widget, "allow_multiple_selected", False
        ):
            continue
        values[key] = str(value)
    return values


def errors_by_field(form: forms.Form) -> dict[str, list[str]]:
    """The form's errors keyed as the API reports them (form-wide ones as ``non_field_errors``)."""
    return {
        "non_field_errors" if field == "__all__" else field: list(errors)
        for field, errors in form.errors.items()
    }
