"""What can be done in 组织生活, by whom and with which form: tables (``core.actions``) that the
pages and the API share. ``ACTIONS`` are done to one meeting (its page's forms and
``POST /api/life/meetings/{id}/{step}/``); ``PLANNING`` to an organisation's meetings (plan a
year, schedule one)."""

from dangqun.core import actions
from dangqun.core.actions import Action, Outcome
from dangqun.life import (
    appraisal,
    attendance,
    checkins,
    forms,
    meeting_files,
    planning,
    recording,
    services,
    voting,
)

REFUSED = "您无权管理该组织的组织生活"
REFUSED_SCHEDULE = "您无权安排组织生活"


def keeps(user, meeting) -> bool:
    """Whether the user keeps the meeting (plans, records and marks it)."""
    return services.can_manage(user, meeting.org)


def _keeper(form, do, done: str, **kwargs) -> Action:
    return Action(form, do, allowed=keeps, done=done, refused=REFUSED, **kwargs)


def _with_meeting(user, meeting) -> dict:
    return {"meeting": meeting}


def _of_appraisal(step):
    """The step done to the meeting's appraisal (refused while it has none)."""

    def do(user, meeting, data):
        return step(user, appraisal.of_meeting(meeting), data)

    return do


ACTIONS: dict[str, Action] = {
    "record": _keeper(
        forms.RecordForm,
        lambda u, m, d: recording.update(u, m, d),
        "已保存",
        form_kwargs=_with_meeting,
    ),
    "leave": Action(
        forms.LeaveForm, lambda u, m, d: attendance.request_leave(u, m, d["reason"]), done="已请假"
    ),
    "addendum": _keeper(
        forms.NoteForm,
        lambda u, m, d: recording.add_addendum(u, m, d["text"], d["files"]),
        "已添加补充说明",
    ),
    "files": _keeper(
        forms.FilesForm, lambda u, m, d: meeting_files.add_files(u, m, d["files"]), "已上传"
    ),
    "remove_file": _keeper(
        forms.RemoveFileForm,
        lambda u, m, d: meeting_files.remove_file(u, m, d["file"]),
        "已删除文件",
    ),
    "mark": _keeper(
        forms.MarkForm,
        lambda u, m, d: attendance.mark_on_list(u, m, d["person"], d["presence"], d["reason"]),
        "已登记",
    ),
    "vote": _keeper(
        forms.VoteForm, lambda u, m, d: voting.record_vote(u, m, **d), "已记录表决结果"
    ),
    "cancel": _keeper(
        forms.CancelForm, lambda u, m, d: recording.cancel(u, m, reason=d["reason"]), "已取消"
    ),
    "finalise": _keeper(None, lambda u, m, d: recording.finalise(u, m), "记录已定稿"),
    "appraisal_open": _keeper(
        None, lambda u, m, d: appraisal.open_appraisal(u, m), "已开始民主评议"
    ),
    "appraisal_close": _keeper(
        None, _of_appraisal(lambda u, a, d: appraisal.close_appraisal(u, a)), "互评已结束"
    ),
    "appraisal_self": Action(
        forms.SelfAssessmentForm,
        _of_appraisal(lambda u, a, d: appraisal.submit_self(u, a, d["text"])),
        done="已保存个人自评",
    ),
    "appraisal_rate": Action(
        forms.RatingsForm,
        _of_appraisal(lambda u, a, d: appraisal.submit_ratings(u, a, d["grades"])),
        done="已提交互评（不记名）",
    ),
    "appraisal_grade": _keeper(
        forms.GradeForm,
        _of_appraisal(lambda u, a, d: appraisal.decide(u, a, d["person"], d["grade"])),
        "已评定等次",
    ),
}


def _org_choices(user, _) -> dict:
    return {"orgs": services.org_choices(user)}


def _schedule(user, _, data):
    data = dict(data)
    return planning.schedule(user, data.pop("org"), data)


PLANNING: dict[str, Action] = {
    "schedule": Action(
        forms.MeetingForm,
        _schedule,
        allowed=lambda u, _: services.may_schedule(u),
        form_kwargs=_org_choices,
        done="已安排",
        refused=REFUSED_SCHEDULE,
    ),
    "plan": Action(
        forms.PlanForm,
        lambda u, _, d: planning.plan_year(u, d["org"], d["year"]),
        form_kwargs=_org_choices,
    ),
}


BY_CODE: dict[str, Action] = {
    "check_in": Action(
        forms.CheckInForm, lambda u, m, d: checkins.check_in(u, m, d["code"]), done="已签到"
    ),
}


def run(user, meeting, name: str, data, files=None) -> Outcome:
    """Do the action ``name`` to the meeting (404 unknown, 403 not allowed)."""
    return actions.run(ACTIONS, user, meeting, name, data, files)


def plan(user, name: str, data) -> Outcome:
    """Plan a year (``plan``) or schedule a meeting (``schedule``) from the form's data."""
    return actions.run(PLANNING, user, None, name, data)


def check_in(user, meeting, data) -> Outcome:
    """The person checks in with the code scanned at the meeting (``data["code"]``)."""
    return actions.run(BY_CODE, user, meeting, "check_in", data)


def messages(form) -> list[str]:
    """Every error on the form, form-wide and per field, in order."""
    return [message for errors in form.errors.values() for message in errors]
