"""A case's dossier (材料归档): one zip with an index PDF — the case, its 25 steps with dates,
organisations and who recorded them, the people on it, assessments, votes and a list of the
documents — and every document filed with a step, in a folder per step."""

from __future__ import annotations

import tempfile
import zipfile

from django.db import transaction
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from dangqun.accounts.scope import require
from dangqun.core import audit, pdf
from dangqun.development import checks, services
from dangqun.development.models import Case
from dangqun.development.steps import STEPS

SPOOL = 16 * 1024 * 1024  # kept in memory up to this size, then on disk


def export(user, case: Case):
    """The dossier for the archive, for those who may export it; audited."""
    require(services.may_export(user, case), "您无权导出该发展党员材料")
    bundle = build(case)
    with transaction.atomic():
        audit.record(user, "development.dossier", case, after={"files": case.files.count()})
    return bundle


def filename(case: Case) -> str:
    return f"{case.person.name}发展党员材料.zip"


def build(case: Case):
    """The dossier as an open file positioned at its start."""
    facts = checks.Facts.of(case)
    files = list(case.files.order_by("step", "pk"))
    names = _names(files)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (the response closes it)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("00-目录.pdf", index(case, facts, files, names))
        for row, name in zip(files, names, strict=True):
            with row.file.open("rb") as handle:
                bundle.writestr(name, handle.read())
    out.seek(0)
    return out


def index(case: Case, facts: checks.Facts, files, names) -> bytes:
    person = case.person
    story = [
        pdf.text(f"{person.name}发展党员材料目录", pdf.TITLE),
        pdf.table(
            [
                ["姓名", person.name, "工号", person.employee_no],
                ["党支部", case.branch.name, "状态", case.get_status_display()],
                ["递交入党申请书", case.applied_on, "支部大会通过接收", case.admitted_on or "—"],
                ["预备期至", checks.probation_ends(case) or "—", "延长预备期", _months(case)],
            ],
            [30 * mm, 55 * mm, 30 * mm, 55 * mm],
        ),
        pdf.text("办理步骤", pdf.HEADING),
    ]
    rows = [["步骤", "日期", "办理组织", "经办人", "结果和说明"]]
    for number, step in STEPS.items():
        record = facts.records.get(number)
        if record is None:
            rows.append([f"{step.mark}{step.name}", "—", "", "", ""])
            continue
        who = record.actor.get_full_name() or record.actor.username
        rows.append(
            [f"{step.mark}{step.name}", record.done_on, record.org.name, who, _result(record)]
        )
    story.append(pdf.table(rows, [42 * mm, 22 * mm, 36 * mm, 20 * mm, 50 * mm], header=True))
    if facts.helpers:
        story.append(pdf.text("培养联系人和入党介绍人", pdf.HEADING))
        for helper in facts.helpers:
            story.append(
                pdf.text(f"{helper.get_role_display()}：{helper.person.name}（{helper.since}）")
            )
    if facts.assessments:
        story.append(pdf.text("考察", pdf.HEADING))
        for assessment in facts.assessments:
            story.append(pdf.text(f"{assessment.done_on}：{assessment.text}"))
    votes = list(case.votes.all())
    if votes:
        story.append(pdf.text("支部大会表决", pdf.HEADING))
    for vote in votes:
        result = "通过" if vote.passed else ("未通过" if vote.quorate else "不足法定人数")
        story.append(
            pdf.text(
                f"{vote.held_on}（第 {vote.step} 步）：应到 {vote.voting_expected}，实到 {vote.voting_present}，"
                f"书面意见 {vote.written}；赞成 {vote.yes}，反对 {vote.no}，弃权 {vote.abstain}；{result}"
            )
        )
    story += [Spacer(1, 4 * mm), pdf.text("材料", pdf.HEADING)]
    if not files:
        story.append(pdf.text("无"))
    for row, name in zip(files, names, strict=True):
        story.append(pdf.text(f"{name}（{row.uploaded_at:%Y-%m-%d} 上传）"))
    return pdf.build(f"{person.name}发展党员材料目录", story)


def _names(files) -> list[str]:
    """``05-指定培养联系人/谈话记录.docx``, numbered when a step has two files of one name."""
    seen: dict[str, int] = {}
    names = []
    for row in files:
        name = f"{row.step:02d}-{STEPS[row.step].name}/{row.name}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            stem, _, extension = row.name.rpartition(".")
            name = f"{row.step:02d}-{STEPS[row.step].name}/{stem}（{seen[name]}）.{extension}"
        names.append(name)
    return names


def _result(record) -> str:
    details = record.details
    parts = []
    if "people" in details:
        parts.append("、".join(details["people"]))
    if "conclusion" in details:
        parts.append(
            f"{details['conclusion']}（{'合格' if details.get('qualified') else '不合格'}）"
        )
    if "days" in details:
        parts.append(f"{details['days']} 天 {details.get('hours') or 0} 学时")
    if "approved" in details:
        parts.append("批准" if details["approved"] else "不批准")
    if record.note:
        parts.append(record.note)
    return "；".join(parts)


def _months(case: Case) -> str:
    return f"{case.extension_months} 个月" if case.extension_months else "—"
