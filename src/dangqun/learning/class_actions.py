"""What can be done to a 培训班 or an 外出培训 record, by whom and with which form (``core.actions``):
the pages and the API run the same tables. ``CLASS`` acts on one class, ``NEW_CLASS`` creates
one, ``EXTERNAL`` decides on one record, ``NEW_EXTERNAL`` is the member recording their own."""

from __future__ import annotations

from dangqun.core.actions import Action
from dangqun.learning import class_attendance, class_forms, classes, external, services

REFUSED = services.NOT_ORGANISER


def keeps(user, klass) -> bool:
    return classes.can_manage(user, klass)


def _keeper(form, do, done: str, **kwargs) -> Action:
    return Action(form, do, allowed=keeps, done=done, refused=REFUSED, **kwargs)


def _session(u, k, d):
    return classes.save_session(u, k, d, d.get("session"))


CLASS: dict[str, Action] = {
    # the member's
    "sign_up": Action(None, lambda u, k, d: class_attendance.sign_up(u, k), done="报名成功"),
    "withdraw": Action(None, lambda u, k, d: class_attendance.withdraw(u, k), done="已退出"),
    "check_in": Action(
        class_forms.CodeForm,
        lambda u, k, d: class_attendance.check_in(u, k, d["code"], d.get("session")),
        done="签到成功",
    ),
    # the organiser's
    "update": _keeper(
        class_forms.ClassForm,
        lambda u, k, d: classes.update(u, k, d),
        "已保存",
        form_kwargs=lambda u, k: {"user": u, "klass": k},
    ),
    "session": _keeper(class_forms.SessionForm, _session, "课次已保存"),
    "remove_session": _keeper(
        class_forms.IdForm, lambda u, k, d: classes.remove_session(u, k, d["session"]), "已删除"
    ),
    "publish": _keeper(None, lambda u, k, d: classes.publish(u, k), "已发布"),
    "finish": _keeper(None, lambda u, k, d: classes.finish(u, k), "培训班已结束"),
    "cancel": _keeper(
        class_forms.ReasonForm,
        lambda u, k, d: classes.cancel(u, k, d["reason"]),
        "培训班已取消，已通知参训人员",
    ),
    "mark": _keeper(
        class_forms.MarkForm,
        lambda u, k, d: class_attendance.mark(u, k, d["session"], d["person"], d["present"]),
        "已登记",
    ),
    "enrol": _keeper(
        class_forms.EnrolForm,
        lambda u, k, d: class_attendance.enrol(u, k, d["employee_no"]),
        "已加入参训名单，已通知本人",
    ),
    "enrol_new": _keeper(
        None,
        lambda u, k, d: class_attendance.enrol_newcomers(u, k),
        "新增对象已加入参训名单，已通知本人",
    ),
    "release": _keeper(
        class_forms.ReleaseForm,
        lambda u, k, d: class_attendance.release(u, k, d["person"], d["reason"]),
        "已移出参训名单",
    ),
}

NEW_CLASS: dict[str, Action] = {
    "create": Action(
        class_forms.ClassForm,
        lambda u, _, d: classes.create(u, d),
        allowed=lambda u, _: services.organises(u),
        form_kwargs=lambda u, _: {"user": u},
        done="已保存为草稿，请添加课次后发布",
        refused=REFUSED,
    ),
}

EXTERNAL: dict[str, Action] = {
    "confirm": Action(
        class_forms.ConfirmForm,
        lambda u, t, d: external.confirm(u, t, d.get("hours")),
        allowed=external.may_decide,
        done="已确认，学时已计入",
    ),
    "send_back": Action(
        class_forms.ReasonForm,
        lambda u, t, d: external.send_back(u, t, d["reason"]),
        allowed=external.may_decide,
        done="已退回，已通知本人",
    ),
}

NEW_EXTERNAL: dict[str, Action] = {
    "record": Action(
        class_forms.ExternalForm,
        lambda u, _, d: external.record(u, d),
        done="已提交，待所在党支部确认",
    ),
}


def messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]
