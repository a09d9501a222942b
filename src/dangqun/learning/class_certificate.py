"""The 结业证书 of a class as a print-ready PDF (``core.pdf``), made again whenever it is
downloaded from the class, its sessions and the member's attendance: for the member who completed
it, or for an organiser of the class on that member's behalf. Each download is audited."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from dangqun.core import audit, pdf
from dangqun.core.pdf import BODY, SMALL, TITLE
from dangqun.learning import classes, completion, ledger
from dangqun.learning.class_models import ClassStatus, TrainingClass
from dangqun.people.models import Person

NOT_COMPLETED = "尚未达到结业要求，暂不能下载结业证书"


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def render(klass: TrainingClass, person: Person, got: completion.Progress, sessions) -> bytes:
    days = [timezone.localtime(s.starts_at).date() for s in sessions]
    attended = [s for s in sessions if s.pk in got.session_ids]
    statement = (
        f"{person.name}同志于 {_day(min(days))} 至 {_day(max(days))} 参加{klass.org.name}"
        f"举办的「{klass.title}」，出勤 {len(attended)}/{len(sessions)} 个课次，"
        f"达到结业要求，准予结业，计 {ledger.shown(got.hours)} 学时。"
    )
    rows = [["日期", "课程内容", "学时", "出勤"]]
    for session in sessions:
        rows.append(
            [
                timezone.localtime(session.starts_at).strftime("%Y-%m-%d"),
                session.topic or "课程",
                ledger.shown(session.hours),
                "出勤" if session.pk in got.session_ids else "未出勤",
            ]
        )
    story = [
        Paragraph("结业证书", TITLE),
        Spacer(1, 6 * mm),
        Paragraph(escape(statement), BODY),
        Spacer(1, 4 * mm),
        pdf.table(rows, [30 * mm, 90 * mm, 22 * mm, 22 * mm], header=True),
        Spacer(1, 8 * mm),
        Paragraph(escape(f"主办组织（盖章）：{klass.org.name}"), BODY),
        Paragraph(escape(f"出具日期：{_day(timezone.localdate())}"), BODY),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                f"结业要求：出勤课次的学时达到全部学时的 {klass.threshold}%。"
                "学时已计入本人年度学习培训学时（《中国共产党党员教育管理工作条例》第二十条）。"
            ),
            SMALL,
        ),
    ]
    return pdf.build(f"结业证书 {person.name}", story)


def download(user, klass: TrainingClass, person_id: int | None = None) -> tuple[str, bytes]:
    """The certificate of ``person_id`` (default: the user's own person), for that person or an
    organiser of the class; (file name, PDF)."""
    own = getattr(user, "person_id", None)
    person_id = person_id or own
    if person_id is None or (person_id != own and not classes.can_manage(user, klass)):
        raise ValidationError("您无权下载该结业证书")
    if klass.status not in (ClassStatus.PUBLISHED, ClassStatus.FINISHED):
        raise ValidationError(NOT_COMPLETED)
    standing = completion.standing(klass, person_id)
    if not standing.completed(person_id):
        raise ValidationError(NOT_COMPLETED)
    person = Person.objects.get(pk=person_id)
    body = render(klass, person, standing.people[person_id], classes.sessions_of(klass))
    audit.record(user, "learning.class_certificate", klass, after={"person": person_id})
    return f"certificate-{klass.pk}-{person_id}.pdf", body
