"""Confirmed volunteer hours as xlsx in the columns a national volunteer-registration system
takes (姓名, 证件类型, 证件号码, 项目名称, 服务日期, 服务时长, 组织者): one row per person and
activity, the hours net of corrections, for activities the exporter's organisations run (主办 or
联办). ID numbers are masked, except for people the exporter may reveal (``people.reveal_id``)
when they ask for full numbers — that export is audited as one with full ID numbers.
"""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from django.db import transaction
from django.db.models import Min, Sum

from dangqun.accounts.roles import MANAGE_ACTIVITIES, REVEAL_ID
from dangqun.accounts.scope import Scope, require
from dangqun.activities import record, services
from dangqun.activities.models import Activity
from dangqun.core import audit
from dangqun.orgs.models import Org
from dangqun.people.models import Person

COLUMNS = ["姓名", "证件类型", "证件号码", "项目名称", "服务日期", "服务时长", "组织者"]
ID_TYPE = "居民身份证"
REFUSED = "您无权导出该组织的志愿服务时长"


def may_reveal(user) -> bool:
    return Scope.of(user).has(REVEAL_ID)


def rows(user, start: dt.date, end: dt.date, org: Org | None, full_ids: bool) -> list[list]:
    """One row per person and activity (the columns, then whether the ID number is full)."""
    if org is not None:
        require(services.can_organise_for(user, org), REFUSED)
        orgs = [org]
    else:
        require(Scope.of(user).has(MANAGE_ACTIVITIES), REFUSED)
        orgs = list(services.organiser_orgs(user))
    sums = (
        record.entries(None, start, end, orgs)
        .values("person_id", "activity_id")
        .annotate(hours=Sum("hours"), served_on=Min("served_on"))
        .filter(hours__gt=0)
        .order_by("served_on", "activity_id", "person_id")
    )
    sums = list(sums)
    people = Person.objects.in_bulk({row["person_id"] for row in sums})
    activities = Activity.objects.select_related("org").in_bulk({r["activity_id"] for r in sums})
    revealable: set[int] = set()
    if full_ids and may_reveal(user):
        revealable = set(
            Scope.of(user)
            .people(REVEAL_ID)
            .filter(pk__in=list(people))
            .values_list("pk", flat=True)
        )
    out, numbers = [], {}
    for row in sums:
        person, activity = people[row["person_id"]], activities[row["activity_id"]]
        full = person.pk in revealable
        if full and person.pk not in numbers:
            numbers[person.pk] = person.reveal_id_number()  # once per person, not per row
        number = numbers[person.pk] if full else person.id_number_masked
        out.append(
            [
                person.name,
                ID_TYPE if person.id_number_masked else "",
                number,
                activity.title,
                row["served_on"],
                row["hours"],
                activity.org.name,
                person.pk if full else None,  # whose full number left (for the audit row)
            ]
        )
    return out


def export(
    user, start: dt.date, end: dt.date, org: Org | None = None, full_ids: bool = False
) -> tuple[bytes, int]:
    """The xlsx and its row count. Every export is audited; one with full ID numbers under its
    own action (``activity.export_hours_full_id``) with how many numbers it revealed."""
    found = rows(user, start, end, org, full_ids)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("志愿服务时长")
    header = workbook.add_format({"bold": True, "bg_color": "#F2DCDB"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    hours_format = workbook.add_format({"num_format": "0.0"})
    for col, title in enumerate(COLUMNS):
        sheet.write(0, col, title, header)
    for r, line in enumerate(found, start=1):
        name, id_type, number, title, served_on, hours, organiser, _revealed = line
        sheet.write_string(r, 0, name)
        sheet.write_string(r, 1, id_type)
        sheet.write_string(r, 2, number)  # text: an 18-digit number must not become a float
        sheet.write_string(r, 3, title)
        sheet.write_datetime(r, 4, served_on, date_format)
        sheet.write_number(r, 5, float(hours), hours_format)
        sheet.write_string(r, 6, organiser)
    sheet.set_column(0, 1, 12)
    sheet.set_column(2, 2, 22)
    sheet.set_column(3, 3, 30)
    sheet.set_column(4, 6, 14)
    workbook.close()
    revealed = sorted({line[-1] for line in found if line[-1] is not None})
    facts = {
        "object_type": "activities.hoursentry",
        "object_repr": f"导出志愿服务时长 {len(found)} 条",
        "after": {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "org": org.pk if org else None,
            "rows": len(found),
            "rows_with_full_id": sum(1 for line in found if line[-1] is not None),
            "revealed": revealed,  # the people whose full ID numbers left, as every reveal
        },
    }
    with transaction.atomic():
        if revealed:  # audited as an export with full ID numbers
            audit.record(user, "activity.export_hours_full_id", **facts)
        else:
            audit.record(user, "activity.export_hours", **facts)
    return buffer.getvalue(), len(found)
