"""What can be done in 志愿服务与活动, by whom and with which form: tables (``core.actions``) that
the pages and the API share. ``ACTIONS`` are done to one activity (its pages' forms and buttons),
``NEW`` creates one, ``PERSON`` are the person's own steps as a volunteer (no record: ``None``)."""

from __future__ import annotations

from dangqun.activities import (
    attendance,
    forms,
    hours,
    organising,
    photos,
    services,
    signups,
    volunteers,
)
from dangqun.activities.models import Activity
from dangqun.core import actions
from dangqun.core.actions import Action, Outcome

REFUSED = organising.REFUSED


def keeps(user, activity) -> bool:
    """Whether the user organises the activity (edits, decides, marks, confirms)."""
    return services.can_manage(user, activity)


def _keeper(form, do, done: str, **kwargs) -> Action:
    return Action(form, do, allowed=keeps, done=done, refused=REFUSED, **kwargs)


def _with_user(user, _) -> dict:
    return {"user": user}


ACTIONS: dict[str, Action] = {
    # the participant's
    "sign_up": Action(
        forms.SignUpForm,
        lambda u, a, d: signups.sign_up(u, a, travel_minutes=d.get("travel_minutes") or 0),
        done="已报名",
    ),
    "cancel_sign_up": Action(
        forms.OptionalReasonForm,
        lambda u, a, d: signups.cancel(u, a, d.get("reason", "")),
        done="已取消报名",
    ),
    "check_in": Action(
        forms.CodeForm, lambda u, a, d: attendance.check_in(u, a, d["code"]), done="签到成功"
    ),
    "check_out": Action(
        forms.CodeForm, lambda u, a, d: attendance.check_out(u, a, d["code"]), done="签退成功"
    ),
    # the organiser's
    "update": _keeper(
        forms.ActivityForm,
        lambda u, a, d: organising.update(u, a, d),
        "已保存",
        form_kwargs=lambda u, a: {"user": u, "activity": a},
    ),
    "publish": _keeper(None, lambda u, a, d: organising.publish(u, a), "已发布，职工可以报名了"),
    "close": _keeper(None, lambda u, a, d: organising.close_signup(u, a), "已截止报名"),
    "held": _keeper(None, lambda u, a, d: organising.mark_held(u, a), "已标记为已举行"),
    "cancel": _keeper(
        forms.ReasonForm,
        lambda u, a, d: organising.cancel(u, a, d["reason"]),
        "活动已取消，已通知报名的人",
    ),
    "archive": _keeper(None, lambda u, a, d: organising.archive(u, a), "已归档"),
    "leave_partnership": Action(
        forms.OptionalReasonForm,
        lambda u, a, d: organising.leave_partnership(u, a, d.get("reason", "")),
        allowed=lambda u, a: bool(organising.partners_kept_by(u, a)),
        done="已退出联办",
        refused="只有联办组织的组织者可以退出联办",
    ),
    "approve": _keeper(
        forms.DecideForm,
        lambda u, a, d: signups.decide(u, a, d["signup"], True),
        "已通过",
    ),
    "reject": _keeper(
        forms.DecideForm,
        lambda u, a, d: signups.decide(u, a, d["signup"], False, d.get("reason", "")),
        "已设为不通过",
    ),
    "mark": _keeper(
        forms.MarkForm,
        lambda u, a, d: attendance.mark(
            u, a, d["signup"], d["checked_in_at"], d["checked_out_at"], d["travel_minutes"]
        ),
        "已登记",
    ),
    "confirm_hours": _keeper(
        forms.HoursForm,
        lambda u, a, d: hours.confirm(u, a, d["hours"]),
        "时长已确认，已通知每位参加者",
    ),
    "correct_hours": _keeper(
        forms.CorrectForm,
        lambda u, a, d: hours.correct(u, a, d["signup"], d["hours"], d["reason"]),
        "已登记更正，已通知本人",
    ),
    "files": _keeper(
        forms.FilesForm,
        lambda u, a, d: photos.add_files(u, a, d["files"], d["kind"]),
        "已上传",
    ),
    "remove_file": _keeper(
        forms.RemoveFileForm, lambda u, a, d: photos.remove_file(u, a, d["file"]), "已删除"
    ),
}


def _create(user, _, data):
    return organising.create(user, data)


NEW: dict[str, Action] = {
    "create": Action(
        forms.ActivityForm,
        _create,
        allowed=lambda u, _: services.organiser_orgs(u).exists(),
        form_kwargs=_with_user,
        done="已保存为草稿，核对后即可发布",
        refused=REFUSED,
    ),
}

PERSON: dict[str, Action] = {
    "register": Action(
        forms.VolunteerForm, lambda u, _, d: volunteers.register(u, d), done="已保存志愿者信息"
    ),
    "withdraw": Action(None, lambda u, _, d: volunteers.withdraw(u), done="已退出志愿者"),
    "join_team": Action(
        forms.TeamForm, lambda u, _, d: volunteers.join_team(u, d["team"]), done="已加入"
    ),
    "leave_team": Action(
        forms.TeamForm, lambda u, _, d: volunteers.leave_team(u, d["team"]), done="已退出该队"
    ),
}


def run(user, activity: Activity, name: str, data, files=None) -> Outcome:
    return actions.run(ACTIONS, user, activity, name, data, files)


def messages(form) -> list[str]:
    """Every error on the form, form-wide and per field, in order."""
    return [message for errors in form.errors.values() for message in errors]
