"""What can be done to a 发展党员 case, by whom and with which form: one table (``core.actions``)
that the case page and ``POST /api/development/cases/{id}/{step}/`` share — record a step (its
number in the input), a 支部大会 vote, an assessment, documents for a step done, extending
probation, closing. ``OPEN`` opens a case and ``PLAN`` sets a 党委's annual quota.

The services check again under the lock and cite the rule that refuses; ``allowed`` only says
who may try (the button on the page, a 403 in the API)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.datastructures import MultiValueDict

from dangqun.core.actions import Action
from dangqun.core.ids import parse_id
from dangqun.development import forms, opening, plans, probation, recording, services, votes
from dangqun.development.steps import ASSESSED, STEPS, VOTES
from dangqun.orgs.models import Org

REFUSED = "您无权办理该发展党员事项"
NO_STEP = "没有这个步骤"


def number_in(data, key: str = "number") -> int:
    """The step number a POST names (0 when it names none)."""
    raw = str((data or {}).get(key, "") or "")
    return parse_id(raw) or 0


def unknown_step(name: str, data) -> str | None:
    """Why the input names no step this action takes (the page answers 404), or None."""
    number = number_in(data)
    if name == "step" and (number not in STEPS or number in VOTES or number in ASSESSED):
        return NO_STEP
    if name == "step" and number == 1:
        return NO_STEP
    if name == "files" and number not in STEPS:
        return NO_STEP
    return None


class StepActionForm(forms.StepForm):
    """The form of the step the input names (``number``), which it hands on with the data."""

    def __init__(self, data=None, files=None, *, members=None):
        self.number = number_in(data)
        super().__init__(data, files, number=self.number, members=members)

    def clean(self):
        cleaned = super().clean()
        cleaned["number"] = self.number
        return cleaned


class StepFilesForm(forms.FilesForm):
    """More documents for the step the input names (``number``)."""

    def __init__(self, data=None, files=None):
        self.number = number_in(data)
        super().__init__(data, files, prefix=f"f{self.number}")

    def clean(self):
        cleaned = super().clean()
        cleaned["number"] = self.number
        return cleaned


class CaseVoteForm(forms.VoteForm):
    """The vote on the step the input names (``step``: ⑮ admission or ㉓ 转正)."""

    def __init__(self, data=None, files=None, *, meetings=None):
        self.step = number_in(data, "step")
        super().__init__(data, files, meetings=meetings)

    def clean(self):
        cleaned = super().clean()
        cleaned["step"] = self.step
        return cleaned


PREFIXES = {"step": "s", "files": "f"}  # the page's step forms name their fields per step


def with_prefix(name: str, data, files=None):
    """The API's input (``on``, ``people``…) as the page's step forms read it (``s5-on``…):
    every field but ``number`` takes the step's prefix; other actions' input is unchanged."""
    if name not in PREFIXES:
        return data, files
    prefix = f"{PREFIXES[name]}{number_in(data)}-"

    def renamed(source):
        out = MultiValueDict()
        for key in source or {}:
            if hasattr(source, "getlist"):
                values = source.getlist(key)
            else:
                value = source[key]
                values = list(value) if isinstance(value, list | tuple) else [value]
            out.setlist(key if key == "number" else prefix + key, values)
        return out

    return renamed(data), renamed(files)


def _record_step(user, case, data):
    data = dict(data)
    number = data.pop("number")
    return recording.record_step(user, case, number, data.pop("on"), data)


ACTIONS: dict[str, Action] = {
    "step": Action(
        StepActionForm,
        _record_step,
        allowed=services.may_work_on,
        form_kwargs=lambda u, c: {"members": services.full_members(c)},
        refused=REFUSED,
    ),
    "vote": Action(
        CaseVoteForm,
        lambda u, c, d: votes.record_vote(u, c, **d),
        allowed=services.may_manage,
        form_kwargs=lambda u, c: {"meetings": services.general_meetings(c)},
        done="已记录支部大会表决结果",
        refused=REFUSED,
    ),
    "files": Action(
        StepFilesForm,
        lambda u, c, d: recording.add_files(u, c, d["number"], d["files"]),
        allowed=services.may_work_on,
        refused=REFUSED,
    ),
    "assess": Action(
        forms.AssessForm,
        lambda u, c, d: votes.assess(u, c, **d),
        allowed=services.may_manage,
        done="已记录考察意见",
        refused=REFUSED,
    ),
    "extend": Action(
        forms.ExtendForm,
        lambda u, c, d: probation.extend_probation(u, c, **d),
        allowed=services.may_manage,
        done="已延长预备期",
        refused=REFUSED,
    ),
    "close": Action(
        forms.CloseForm,
        lambda u, c, d: opening.close(u, c, **d),
        allowed=services.may_manage,
        done="已终止",
        refused="您无权终止该发展党员记录",
    ),
}


def done(name: str, data) -> str:
    """What the page says when the action worked (a step's and its documents' name the step)."""
    if name == "step":
        return f"已办理：{STEPS[number_in(data)].name}"
    if name == "files":
        return f"已上传“{STEPS[number_in(data)].name}”的材料"
    return ACTIONS[name].done


def bound_key(name: str, data):
    """Where the case page shows the action's bound form."""
    if name == "step":
        return number_in(data)
    if name == "files":
        return f"files-{number_in(data)}"
    return name


# Opening a case: the object is the user's scope (no case yet) -------------------------------
OPEN: dict[str, Action] = {
    "open": Action(
        forms.OpenForm,
        lambda u, _, d: opening.open_case(
            u, d["employee_no"], d["branch"], d["applied_on"], d["note"]
        ),
        allowed=lambda u, _: services.may_open(u),
        form_kwargs=lambda u, _: {
            "branches": services.branches_to_open(u),
            "people": services.applicants(u),
        },
        done="已登记入党申请",
        refused="您无权办理发展党员",
    ),
}


# A 党委's plan for a year -------------------------------------------------------------------
@dataclass(frozen=True)
class PlanYear:
    org: Org
    year: int


PLAN: dict[str, Action] = {
    "quota": Action(
        forms.QuotaForm,
        lambda u, p, d: plans.set_quota(u, p.org, p.year, **d),
        allowed=lambda u, p: plans.may_set_quota(u, p.org),
        refused="您无权制定该党组织的发展计划",
    ),
}
