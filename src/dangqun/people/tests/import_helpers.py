"""Build import files for the tests: rows by column label, written as xlsx or csv."""

import csv
import datetime
import itertools

import xlsxwriter

from dangqun.core import idnumber
from dangqun.people.imports.rows import LABELS

_serial = itertools.count(1)


def make_id(birth: str = "19900101", seq: int | None = None, male: bool = True) -> str:
    """A checksum-valid 公民身份号码, unique per call (up to 500 per birth date and sex)."""
    seq = next(_serial) if seq is None else seq
    order = (seq % 500) * 2 + (1 if male else 0)  # the 17th digit is odd for men
    first17 = f"110108{birth}{order:03d}"  # 海淀: no fixture ID uses it
    return first17 + idnumber.check_char(first17)


def person_row(**values) -> dict:
    """A valid non-member row for world.owner's scope; override by column label."""
    row = {
        "工号": "T0001",
        "姓名": "测试人",
        "性别": "",
        "民族": "汉族",
        "公民身份号码": make_id(),
        "出生日期": "",
        "学历": "大学本科",
        "所在单位": "甲公司综合部",
        "工作岗位": "干事",
        "联系电话": "13900000001",
        "家庭住址": "北京市",
        "政治面貌": "群众",
        "所在党支部": "",
        "加入党组织日期": "",
        "转为正式党员日期": "",
        "人员类别": "",
        "工会组织": "",
        "团组织": "",
    }
    row.update(values)
    return row


def member_row(**values) -> dict:
    """A valid full party member row."""
    base = {
        "政治面貌": "中共党员",
        "所在党支部": "甲公司综合部党支部",
        "加入党组织日期": "2015-07-01",
        "转为正式党员日期": datetime.date(2016, 7, 1),
        "人员类别": "专业技术人员",
    }
    base.update(values)
    return person_row(**base)


def write_xlsx(path, rows: list[dict], header: list[str] | None = None, prepare=None):
    header = LABELS if header is None else header
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("人员")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, label in enumerate(header):
            value = row.get(label, "")
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, str(value))
    if prepare is not None:
        prepare(book, sheet)
    book.close()
    return path


def write_csv(path, rows: list[dict], encoding: str = "utf-8-sig", header=None):
    header = LABELS if header is None else header
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([str(row.get(label, "")) for label in header])
    return path


def upload(client, path, capture, *, valid_only: bool = False):
    """Post the file to the import page and run the queued job; returns the response."""
    data = {"valid_only": "1"} if valid_only else {}
    with path.open("rb") as handle, capture(execute=True):
        response = client.post("/people/import/", {**data, "file": handle})
    return response
