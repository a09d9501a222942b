"""Export the people list, as filtered on its page, to xlsx: permission-checked and audited."""

import io

import xlsxwriter
from django.db import transaction

from dangqun.accounts.roles import EXPORT_PEOPLE, VIEW_ORGS
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.people import services
from dangqun.people.filters import apply_filters

COLUMNS = [
    ("工号", lambda p: p.employee_no),
    ("姓名", lambda p: p.name),
    ("性别", lambda p: p.get_gender_display()),
    ("民族", lambda p: p.ethnicity),
    ("公民身份号码", lambda p: p.id_number_masked),
    ("出生日期", lambda p: p.birth_date),
    ("学历", lambda p: p.get_education_display()),
    ("所在单位", lambda p: p.unit.name),
    ("工作岗位", lambda p: p.job_post),
    ("联系电话", lambda p: p.phone),
    ("政治面貌", lambda p: p.get_political_status_display()),
    ("所在党支部", lambda p: _profile(p, lambda x: x.branch.name)),
    ("加入党组织日期", lambda p: _profile(p, lambda x: x.joined_on)),
    ("转为正式党员日期", lambda p: _profile(p, lambda x: x.full_member_on)),
    ("人员类别", lambda p: _profile(p, lambda x: x.get_category_display())),
    ("党籍状态", lambda p: _profile(p, lambda x: x.get_standing_display())),
]


def _profile(person, getter):
    profile = getattr(person, "party_profile", None)
    return getter(profile) if profile is not None else ""


def export_people(actor, params) -> tuple[bytes, int]:
    """The people ``actor`` may export, filtered by the list's ``params``, as an xlsx written in
    memory (constant-memory mode); returns (bytes, row count). Refused without 导出 rights."""
    require(Scope.of(actor).has(EXPORT_PEOPLE), "您没有导出人员的权限")
    queryset = apply_filters(
        services.visible_to(actor, EXPORT_PEOPLE), params, Scope.of(actor).orgs(VIEW_ORGS)
    )
    filters = dict(params.items())
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("人员")
    header = workbook.add_format({"bold": True, "bg_color": "#F2DCDB"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, (title, _) in enumerate(COLUMNS):
        sheet.write(0, col, title, header)
    rows = 0
    people = queryset.select_related("unit", "party_profile__branch").order_by("employee_no")
    for row, person in enumerate(people.iterator(chunk_size=2000), start=1):
        for col, (_, getter) in enumerate(COLUMNS):
            value = getter(person)
            if value is None or value == "":
                continue
            if hasattr(value, "isoformat"):
                sheet.write_datetime(row, col, value, date_format)
            else:
                sheet.write_string(row, col, str(value))
        rows = row
    sheet.set_column(0, len(COLUMNS) - 1, 14)
    workbook.close()
    with transaction.atomic():
        audit.record(
            actor,
            "person.export",
            object_type="people.person",
            object_repr=f"导出人员 {rows} 条",
            after={"filters": filters, "rows": rows},
        )
    return buffer.getvalue(), rows
