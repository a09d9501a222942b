"""The blank template of the people import (its error file is ``core.imports.files``')."""

from __future__ import annotations

import io

import xlsxwriter

from dangqun.accounts.roles import IMPORT_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core.imports.files import max_bytes
from dangqun.orgs.models import System
from dangqun.people.imports.rows import COLUMNS, canonical_labels

TEMPLATE_ROWS = 100_000  # rows that get the column formats and drop-down lists
MAX_LISTED_ORGS = 5000
NOTES = [
    "每行填写一个人员；第一行是表头，请勿修改列名（列的顺序可以调整）。",
    "已登记的人员先按公民身份号码匹配，再按工号匹配，匹配到即更新；匹配不到则新建。",
    "更新已登记的人员时，空白单元格表示保留原值；新建时表示不填。",
    "同一文件中公民身份号码、工号不能重复。",
    "组织须填写完整名称，并在您的管理范围内；名称相同的组织无法区分时会提示错误。",
    "请勿使用合并单元格和公式（如有公式，请复制后“选择性粘贴 → 数值”）。",
    "日期可写作 2020-01-05、2020/1/5、2020.1.5 或 20200105，也可使用 Excel 日期格式。",
    "党员的出党、转出、去世等请在人员页面办理，不能通过导入修改。",
    "默认情况下，文件中只要有一处错误就不导入任何数据；"
    "选择“仅导入无误的行”时，导入无误的行，并提供有错误的行的错误文件，修改后可直接再次导入。",
]


def template_workbook(actor) -> bytes:
    """The blank import template: the header, a sheet explaining each column, and the
    organisation names the user may use."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#E6B8B7", "border": 1})
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    sheet = book.add_worksheet("人员")
    sheet.freeze_panes(1, 0)
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.label, required if column.required == "是" else header)
        if column.kind in ("code", "id"):
            sheet.set_column(col, col, 20 if column.kind == "id" else 14, text)
        elif column.kind == "date":
            sheet.set_column(col, col, 14, date)
        else:
            sheet.set_column(col, col, 16 if column.kind == "org" else 12)
        if column.kind == "choice":
            sheet.data_validation(
                1,
                col,
                TEMPLATE_ROWS,
                col,
                {
                    "validate": "list",
                    "source": canonical_labels(column.choices or {}),
                    "error_type": "information",
                    "error_title": column.label,
                    "error_message": "请从下拉列表中选择。",
                },
            )

    guide = book.add_worksheet("填写说明")
    guide.set_column(0, 0, 18)
    guide.set_column(1, 1, 16)
    guide.set_column(2, 2, 50)
    guide.set_column(3, 3, 40)
    guide.write_row(0, 0, ["列名", "是否必填", "填写说明", "可选值"], header)
    for row, column in enumerate(COLUMNS, start=1):
        allowed = "、".join(canonical_labels(column.choices)) if column.choices else ""
        if column.kind == "org":
            allowed = "见“可选组织”工作表"
        guide.write_row(row, 0, [column.label, column.required, column.help, allowed], wrap)
    row = len(COLUMNS) + 2
    guide.write_string(row, 0, "注意事项", header)
    for offset, note in enumerate(
        [
            *NOTES,
            f"文件不能超过 {max_bytes() // 1024 // 1024} MB，支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）。",
        ],
        start=1,
    ):
        guide.write_string(row + offset, 0, f"{offset}. {note}")

    orgs_sheet = book.add_worksheet("可选组织")
    orgs_sheet.set_column(0, 1, 14)
    orgs_sheet.set_column(2, 2, 40)
    orgs_sheet.write_row(0, 0, ["体系", "类别", "名称（填入表格时请完整复制）"], header)
    systems = [System.ENTERPRISE, System.PARTY, System.UNION, System.LEAGUE]
    orgs = (
        Scope.of(actor)
        .orgs(IMPORT_PEOPLE)
        .filter(dissolved_on__isnull=True, system__in=systems)
        .order_by("system", "path")
        .only("name", "system", "kind")[:MAX_LISTED_ORGS]
    )
    for row, org in enumerate(orgs, start=1):
        orgs_sheet.write_row(row, 0, [org.get_system_display(), org.get_kind_display(), org.name])
    book.close()
    return buffer.getvalue()
