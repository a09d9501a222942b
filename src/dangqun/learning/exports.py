"""The 学时 overview as a spreadsheet: one row per sub-organisation (members, completed, rate,
hours), and at a branch the members who are short; audited (it may carry names)."""

from __future__ import annotations

import io

import xlsxwriter
from django.db import transaction

from dangqun.core import audit
from dangqun.learning.overview import Overview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def overview_book(user, shown: Overview) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "text_wrap": True})
    percent = book.add_format({"num_format": "0.0%"})
    sheet = book.add_worksheet("各组织")
    sheet.write_string(0, 0, f"{shown.org.name} {shown.year} 年学时完成情况（截至 {shown.as_of}）")
    head = ["组织", "党员数", "已完成人数", "完成率", "已完成学时", "应完成学时", "尚差学时"]
    sheet.write_row(1, 0, head, bold)
    for index, row in enumerate([*shown.rows, shown.total], start=2):
        name = "合计" if row is shown.total else row.org.name
        sheet.write_string(index, 0, name)
        sheet.write_number(index, 1, row.members)
        sheet.write_number(index, 2, row.completed)
        if row.rate is None:
            sheet.write_string(index, 3, "—")
        else:
            sheet.write_number(index, 3, row.rate, percent)
        for column, value in enumerate((row.done, row.required, row.owed), start=4):
            sheet.write_number(index, column, float(value))
    sheet.set_column(0, 0, 30)
    if shown.short is not None:
        names = book.add_worksheet("尚未完成的党员")
        names.write_row(
            0, 0, ["姓名", "工号", "党支部", "应完成学时", "已完成学时", "尚差学时"], bold
        )
        for index, person in enumerate(shown.short, start=1):
            names.write_row(index, 0, [person.name, person.employee_no, person.branch])
            names.write_number(index, 3, float(person.required))
            names.write_number(index, 4, float(person.done))
            names.write_number(index, 5, float(person.owed))
        names.set_column(0, 2, 16)
    book.close()
    with transaction.atomic():
        audit.record(
            user,
            "learning.overview_export",
            shown.org,
            after={
                "year": shown.year,
                "as_of": shown.as_of.isoformat(),
                "names": len(shown.short or []),
            },
            object_repr=f"导出 {shown.org.name} 学时完成情况",
        )
    return buffer.getvalue()
