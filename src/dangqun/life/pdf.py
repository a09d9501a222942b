"""Print-ready PDF of 组织生活: one meeting's minutes, and a branch's annual record (every meeting of
the year after a summary against the cadence rules), from the shared pieces of ``core.pdf``."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from dangqun.core import pdf
from dangqun.core.pdf import BODY, HEADING, SMALL, TITLE
from dangqun.life.models import Meeting, Presence, Role, Status

PHOTO_WIDTH, PHOTO_HEIGHT = 80 * mm, 110 * mm


def minutes(meeting: Meeting) -> bytes:
    """One meeting's minutes, with its photos."""
    story = _meeting(meeting, photos=True)
    return pdf.build(f"{meeting.org.name}{meeting.get_kind_display()}记录", story)


def annual(org, year: int, meetings: list[Meeting], summary: list[tuple[str, int, int]]) -> bytes:
    """The year's finalised meetings of ``org`` after a table of held against expected."""
    story = [
        Paragraph(escape(f"{org.name} {year} 年组织生活记录"), TITLE),
        Paragraph(escape(f"共 {len(meetings)} 次（已定稿），生成于 {timezone.localdate()}"), SMALL),
        Spacer(1, 4 * mm),
    ]
    rows = [
        ["类型", "应开", "实际"],
        *[[label, str(exp), str(held)] for label, exp, held in summary],
    ]
    story.append(pdf.table(rows, [60 * mm, 30 * mm, 30 * mm], header=True))
    for meeting in meetings:
        story += [PageBreak(), *_meeting(meeting)]
    return pdf.build(f"{org.name} {year} 年组织生活记录", story)


def _meeting(meeting: Meeting, photos: bool = False) -> list:
    attendees = list(
        meeting.attendees.select_related("person").order_by("role", "person__employee_no")
    )
    names = {
        presence: "、".join(a.person.name for a in attendees if a.presence == presence) or "无"
        for presence in Presence.values
    }
    expected = [a for a in attendees if a.role != Role.GUEST]
    guests = "、".join(a.person.name for a in attendees if a.role == Role.GUEST) or "无"
    leaves = "；".join(
        f"{a.person.name}（{a.leave_reason}）" for a in attendees if a.presence == Presence.LEAVE
    )
    when = timezone.localtime(meeting.starts_at)
    status = "" if meeting.status == Status.FINALISED else "（记录未定稿）"
    rows = [
        ["时间", f"{when:%Y年%m月%d日 %H:%M}", "地点", meeting.place or "—"],
        [
            "主持人",
            meeting.host.name if meeting.host else "—",
            "记录人",
            meeting.recorder.name if meeting.recorder else "—",
        ],
        [
            "应到",
            f"{len(expected)} 人",
            "实到",
            f"{sum(a.presence == Presence.PRESENT for a in expected)} 人",
        ],
    ]
    story = [
        Paragraph(escape(f"{meeting.org.name}{meeting.get_kind_display()}记录{status}"), TITLE),
        Paragraph(escape(f"主题：{meeting.topic}"), HEADING),
        pdf.table(rows, [22 * mm, 60 * mm, 22 * mm, 60 * mm]),
        Paragraph(escape(f"出席：{names[Presence.PRESENT]}"), BODY),
        Paragraph(escape(f"请假：{leaves or '无'}"), BODY),
        Paragraph(escape(f"缺席：{names[Presence.ABSENT]}"), BODY),
        Paragraph(escape(f"列席：{guests}"), BODY),
    ]
    for title, text in (
        ("议程", meeting.agenda),
        ("会议记录", meeting.minutes),
        ("决议事项", meeting.decisions),
    ):
        if text:
            story += [Paragraph(title, HEADING), *pdf.paragraphs(text)]
    votes = list(meeting.votes.all())
    if votes:
        story.append(Paragraph("表决", HEADING))
        for vote in votes:
            result = "通过" if vote.passed else ("未通过" if vote.quorate else "不足法定人数")
            story.append(
                Paragraph(
                    escape(
                        f"{vote.motion}：赞成 {vote.yes}，反对 {vote.no}，弃权 {vote.abstain}"
                        f"（应到会有表决权 {vote.voting_expected} 名，实到 {vote.voting_present} 名），{result}"
                    ),
                    BODY,
                )
            )
    addenda = list(meeting.addenda.select_related("author"))
    if addenda:
        story.append(Paragraph("补充说明", HEADING))
        for addendum in addenda:
            who = addendum.author.get_full_name() or addendum.author.username
            story.append(
                Paragraph(
                    escape(f"{timezone.localtime(addendum.at):%Y-%m-%d %H:%M} {who}："), SMALL
                )
            )
            story += pdf.paragraphs(addendum.text)
    story += _files(list(meeting.files.all()), photos)
    if meeting.finalised_at:
        story.append(Spacer(1, 6 * mm))
        story.append(
            Paragraph(
                escape(f"记录于 {timezone.localtime(meeting.finalised_at):%Y-%m-%d %H:%M} 定稿"),
                SMALL,
            )
        )
    return story


def _files(files, photos: bool) -> list:
    """The documents by name; the photos as pictures two to a row (``photos``) or counted (the
    annual record stays a printable size)."""
    if not files:
        return []
    images = [f for f in files if f.is_image]
    documents = "、".join(f.name for f in files if not f.is_image)
    story = [Paragraph("照片和附件", HEADING)]
    if documents:
        story.append(Paragraph(escape(f"附件：{documents}"), BODY))
    if images and not photos:
        story.append(Paragraph(escape(f"照片 {len(images)} 张（见单次会议记录）"), BODY))
    elif images:
        cells = [_photo(f) for f in images]
        rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
        rows[-1] += [""] * (2 - len(rows[-1]))
        table = Table(rows, colWidths=[PHOTO_WIDTH + 4 * mm] * 2)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    return story


def _photo(row) -> Image:
    """The photo's preview (a small JPEG; the photo itself for files stored before previews),
    80 mm wide or 110 mm tall at most, so a long screenshot still fits the page."""
    with (row.preview or row.file).open("rb") as handle:
        data = handle.read()
    width, height = ImageReader(io.BytesIO(data)).getSize()
    scale = min(PHOTO_WIDTH / width, PHOTO_HEIGHT / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)
