"""A survey's results as a spreadsheet: the same groups the page shows, never one below k (the
whole survey, and each unit the comparison shows); audited."""

from __future__ import annotations

import io

import xlsxwriter
from django.db import transaction

from dangqun.core import audit
from dangqun.surveys.results import Results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book(user, found: Results) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "text_wrap": True})
    sheet = wb.add_worksheet("结果")
    title = found.survey.title + (f"（{found.unit.name}）" if found.unit else "")
    sheet.write_string(0, 0, f"{title}：答卷 {found.responses} 份")
    line = 2
    if not found.shown:
        sheet.write_string(line, 0, f"不足 {found.k} 份，暂不显示")
    for q in found.questions:
        sheet.write_string(line, 0, f"{q.question.position}. {q.question.text}", bold)
        if q.hidden:
            sheet.write_string(line, 1, f"本题作答不足 {found.k} 份或可被推算，暂不显示")
            line += 1
            continue
        sheet.write_string(line, 1, f"作答 {q.answered}")
        line += 1
        for row in q.rows:
            sheet.write_string(line, 0, row.label)
            sheet.write_number(line, 1, row.count)
            if row.rate is not None:
                sheet.write_number(line, 2, row.rate)
            line += 1
        if q.mean is not None:
            sheet.write_row(line, 0, ["平均分", q.mean])
            line += 1
        if q.nps is not None:
            sheet.write_row(line, 0, ["净推荐值", q.nps])
            line += 1
        for label, count in q.topics:
            sheet.write_row(line, 0, [f"话题：{label}", count])
            line += 1
        line += 1
    sheet.set_column(0, 0, 40)
    units = wb.add_worksheet("各单位")
    units.write_row(0, 0, ["单位", "答卷数", "综合满意率（%）"], bold)
    for i, row in enumerate(found.units, 1):
        units.write_string(i, 0, row.label)
        units.write_number(i, 1, row.responses)
        if row.satisfied is not None:
            units.write_number(i, 2, row.satisfied)
    if found.hidden_units:
        units.write_string(
            len(found.units) + 2,
            0,
            f"另有 {found.hidden_units} 个单位不足 {found.k} 份或可被推算，不单独列出",
        )
    units.set_column(0, 0, 30)
    wb.close()
    with transaction.atomic():
        audit.record(
            user,
            "survey.export",
            found.survey,
            after={"unit": found.unit.pk if found.unit else None, "responses": found.total},
        )
    return buffer.getvalue()
