"""员工满意度指数 as a spreadsheet: one row per unit and quarter (the whole first) with the index,
its number of responses, each item's score and 群众呼声's 满意率 and 解决率 — what the page shows,
nothing below k — and a sheet saying how it is computed; audited."""

from __future__ import annotations

import io

import xlsxwriter
from django.db import transaction

from dangqun.core import audit
from dangqun.core.rules import get_rule
from dangqun.surveys import satisfaction
from dangqun.surveys.exports import XLSX  # noqa: F401 (the views answer with it)
from dangqun.surveys.satisfaction import Index


def book(user, index: Index) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "text_wrap": True})
    percent = wb.add_format({"num_format": "0.0%"})
    sheet = wb.add_worksheet("满意度指数")
    codes = list(index.weights)
    head = ["单位", "季度", "答卷数", "满意度指数"]
    head += [f"{index.item_labels.get(c, c)}（得分）" for c in codes]
    if index.voices_shown:
        head += ["呼声有效件数", "呼声满意率", "呼声解决率"]
    sheet.write_row(0, 0, head, bold)
    line = 1
    for row in [index.whole, *index.units]:
        for cell in row.cells:
            sheet.write_string(line, 0, row.label)
            sheet.write_string(line, 1, cell.label)
            if cell.index is not None:
                sheet.write_number(line, 2, cell.responses)
                sheet.write_number(line, 3, float(cell.index))
            elif cell.below_k:
                sheet.write_string(line, 3, f"不足 {index.k} 份或可被推算，不显示")
            for col, code in enumerate(codes, start=4):
                if code in cell.items:
                    sheet.write_number(line, col, float(cell.items[code]))
            col = 4 + len(codes)
            if cell.voices is not None:
                sheet.write_number(line, col, cell.voices)
                for offset, rate in enumerate((cell.satisfaction_rate, cell.resolution_rate), 1):
                    if rate is not None:
                        sheet.write_number(line, col + offset, float(rate), percent)
            line += 1
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 16)
    sheet.freeze_panes(1, 2)
    notes = wb.add_worksheet("计算说明")
    rule = get_rule(satisfaction.RULE)
    lines = [
        f"员工满意度调查：{index.org.name}组织的各期调查，每期计入其开始填写日期所在季度",
        rule.explain(),
        "权重："
        + "，".join(
            f"{index.item_labels.get(c, c)} {float(w):g}" for c, w in index.weights.items()
        ),
        f"依据：{rule.citation}",
        get_rule("surveys.min_group").explain(),
        get_rule("voices.rates").explain(),
        "呼声按反映单位计入其所属公司，与答卷计入的单位相同",
    ]
    for i, text in enumerate(lines):
        notes.write_string(i, 0, text)
    notes.set_column(0, 0, 120)
    wb.close()
    with transaction.atomic():
        audit.record(
            user,
            "survey.index_export",
            index.org,
            after={"quarters": [f"{q:%Y-%m}" for q in index.quarters], "units": len(index.units)},
        )
    return buffer.getvalue()
