"""The participation table as a spreadsheet: one row per sub-unit (rates and hours, no names)
and the 12 months below; audited."""

from __future__ import annotations

import io

import xlsxwriter
from django.db import transaction

from dangqun.activities import participation
from dangqun.core import audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def participation_book(user, figures: participation.Figures) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "text_wrap": True})
    percent = book.add_format({"num_format": "0.0%"})
    sheet = book.add_worksheet("各单位")
    sheet.write_row(
        0,
        0,
        [
            "单位",
            "在职人数",
            "参与人次（12 个月）",
            "月均参与率",
            "志愿服务时长（小时）",
            "人均时长（小时）",
        ],
        bold,
    )
    for index, row in enumerate(figures.rows, start=1):
        sheet.write_string(index, 0, row.org.name)
        sheet.write_number(index, 1, row.headcount)
        sheet.write_number(index, 2, row.participants)
        if row.monthly_rate is None:
            sheet.write_string(index, 3, "—")
        else:
            sheet.write_number(index, 3, row.monthly_rate, percent)
        sheet.write_number(index, 4, float(row.hours))
        per = row.hours_per_person
        sheet.write(index, 5, "—" if per is None else float(per))
    months = book.add_worksheet("逐月")
    months.write_row(0, 0, ["月份", "参与人数", "参与率", "志愿服务时长（小时）"], bold)
    for index, month in enumerate(figures.months, start=1):
        months.write_string(index, 0, month.label)
        months.write_number(index, 1, month.participants)
        if month.rate is None:
            months.write_string(index, 2, "—")
        else:
            months.write_number(index, 2, month.rate, percent)
        months.write_number(index, 3, float(month.hours))
    sheet.set_column(0, 0, 28)
    book.close()
    with transaction.atomic():
        audit.record(
            user,
            "activity.participation_export",
            figures.org,
            after={"units": len(figures.rows)},
            object_repr=f"导出 {figures.org.name} 活动参与情况",
        )
    return buffer.getvalue()
