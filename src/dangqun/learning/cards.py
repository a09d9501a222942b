"""学习培训's cards on the 工作台 (``core.cards``): a member's 学时 this year — done, required, left —
from the one ledger (two queries); what they have to study now (exams open to them, classes they
are in, materials assigned and not yet confirmed); and for those who run training, what waits on
them (external training to confirm, exams and classes under way)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from dangqun.core.cards import Card, Number, Shown, has_person, register
from dangqun.learning import classes, exams, external, ledger, services, studies
from dangqun.learning.class_models import ClassStatus, Enrolment, ExternalStatus


def _mine(user, today) -> Shown | None:
    year = ledger.year_of(user.person_id, today.year, entries=False)
    if not year.member and not year.done:
        return None
    mine = reverse("learning:ledger")
    numbers = [
        Number(
            f"{today.year}年学时", ledger.shown(year.done), mine, "success" if year.done else ""
        ),
        Number("应完成", ledger.shown(year.required), mine),
    ]
    if year.member and year.left:
        step = f"今年还差 {ledger.shown(year.left)} 学时（今年应完成 {ledger.shown(year.required)} 学时）。"
    elif year.member:
        step = "今年的学时已经完成。"
    else:
        step = "您参加的学习已计入学时。"
    return Shown("learning.mine", "我的学时", numbers, step, action=("查看学时", mine))


def _todo(user, today) -> Shown | None:
    person = user.person
    open_exams = exams.to_take(person)
    enrolled = Enrolment.objects.filter(
        person_id=person.pk, left_at__isnull=True, klass__status=ClassStatus.PUBLISHED
    ).count()
    unread = studies.mine(user).filter(confirmed=False).count()
    if not (open_exams or enrolled or unread):
        return None
    numbers = [
        Number(
            "可参加的考试",
            len(open_exams),
            reverse("learning:exams"),
            "warning" if open_exams else "",
        ),
        Number("在学的培训班", enrolled, reverse("learning:classes")),
        Number("待学资料", unread, reverse("learning:materials"), "warning" if unread else ""),
    ]
    if open_exams:
        first = open_exams[0]
        closes = timezone.localtime(first.closes_at)
        step = f"“{first.title}”{closes:%m月%d日 %H:%M}截止，请按时作答。"
        action = ("去考试", reverse("learning:exam", args=[first.pk]))
    elif unread:
        step = f"有 {unread} 份学习资料待学习，学完点“已学”即可。"
        action = ("去学习", reverse("learning:materials"))
    else:
        step = "培训班上课时扫码签到，出勤达到要求即可结业。"
        action = ("我的培训班", reverse("learning:classes"))
    return Shown("learning.todo", "我的学习", numbers, step, action=action)


def _runs(user) -> bool:
    return services.organises(user)


def _keeping(user, today) -> Shown | None:
    waiting = external.kept_by(user).filter(status=ExternalStatus.SUBMITTED).count()
    now = timezone.now()
    running = exams.managed(user).filter(opens_at__lte=now, closes_at__gt=now).count()
    ongoing = classes.kept_by(user).filter(status=ClassStatus.PUBLISHED).count()
    queue = reverse("learning:external_queue")
    numbers = [
        Number("外出培训待确认", waiting, queue, "warning" if waiting else ""),
        Number("进行中的考试", running, reverse("learning:exams_manage")),
        Number("进行中的培训班", ongoing, reverse("learning:class_list")),
    ]
    if waiting:
        step = f"有 {waiting} 条外出培训记录待确认，确认后学时即计入本人台账。"
        return Shown("learning.keeping", "学习培训", numbers, step, action=("去确认", queue))
    step = "学员扫码签到、考试自动评分，学时自动计入台账，无需另行登记。"
    return Shown(
        "learning.keeping",
        "学习培训",
        numbers,
        step,
        action=("谁的学时不足", reverse("learning:overview")),
    )


register(Card("learning.mine", "我的学时", shows=has_person, compute=_mine, order=28))
register(Card("learning.todo", "我的学习", shows=has_person, compute=_todo, order=29))
register(Card("learning.keeping", "学习培训", shows=_runs, compute=_keeping, order=62, slow=True))
