"""The actions machinery on a table of its own: who may, what the form reads, what the service refuses."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dangqun.core import actions
from dangqun.core.actions import Action


class NoteForm(forms.Form):
    note = forms.CharField(label="意见")


def _note(user, obj, data):
    if data["note"] == "不行":
        raise ValidationError({"note": "规则不允许（第一条）"})
    obj.append(data["note"])
    return len(obj)


TABLE = {
    "note": Action(NoteForm, _note, allowed=lambda user, obj: user == "keeper", done="已记录"),
    "touch": Action(None, lambda user, obj, data: obj.append("touched")),
}


def test_a_known_action_runs_its_service_and_returns_its_result():
    record: list = []
    outcome = actions.run(TABLE, "keeper", record, "note", {"note": "同意"})
    assert outcome.ok and outcome.result == 1 and record == ["同意"]


def test_unknown_names_are_not_found_and_the_unallowed_are_refused_before_reading():
    with pytest.raises(Http404):
        actions.run(TABLE, "keeper", [], "delete", {})
    with pytest.raises(PermissionDenied):
        actions.run(TABLE, "stranger", [], "note", {"note": "同意"})


def test_bad_input_and_a_service_refusal_come_back_on_the_form_in_chinese():
    record: list = []
    empty = actions.run(TABLE, "keeper", record, "note", {})
    assert not empty.ok and actions.errors_by_field(empty.form) == {"note": ["该字段是必填项。"]}
    refused = actions.run(TABLE, "keeper", record, "note", {"note": "不行"})
    assert actions.errors_by_field(refused.form) == {"note": ["规则不允许（第一条）"]}
    assert refused.refused and not empty.refused  # the service refused; the form did not read
    assert record == []


def test_a_body_that_is_not_fields_is_refused_not_an_error():
    outcome = actions.run(TABLE, "keeper", [], "touch", ["a", "list"])
    assert not outcome.ok
    assert actions.errors_by_field(outcome.form) == {"non_field_errors": [actions.NOT_FIELDS]}


def test_a_json_number_for_a_text_field_is_read_as_its_text():
    record: list = []
    outcome = actions.run(TABLE, "keeper", record, "note", {"note": 5})
    assert outcome.ok and record == ["5"]
