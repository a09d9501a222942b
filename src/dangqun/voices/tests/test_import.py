"""Importing past voices: all rows or none, errors by row, the same file twice adds nothing, and
the history counts in 三率."""

import datetime
import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from dangqun.voices import importer, metrics, tally
from dangqun.voices.models import Status, Voice

pytestmark = pytest.mark.django_db
HEADER = ["编号*", "提交时间*", "类型", "渠道", "身份方式", "反映人工号", "标题*", "内容*"]
HEADER += ["反映单位*", "类别", "承办单位", "答复", "答复时间", "是否解决", "评价", "评价时间"]


def csv_file(rows, name="past.csv"):
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8-sig"))


def row(number="H-1", **over):
    values = {
        "编号*": number,
        "提交时间*": "2025-03-03 09:00",
        "类型": "诉求/求助",
        "渠道": "意见箱",
        "身份方式": "匿名",
        "反映人工号": "",
        "标题*": "食堂排队",
        "内容*": "午餐排队超过二十分钟",
        "反映单位*": "甲公司综合部",
        "类别": "食堂",
        "承办单位": "甲公司综合部",
        "答复": "已增设两个窗口",
        "答复时间": "2025-03-05 16:00",
        "是否解决": "是",
        "评价": "满意",
        "评价时间": "2025-03-06",
    }
    for key, value in over.items():
        values[key + "*" if key + "*" in values else key] = value
    return [values[h] for h in HEADER]


@pytest.fixture
def page(login, mass):
    client = login(mass)

    def post(upload):
        return client.post("/voices/import/", {"file": upload})

    return post


def test_past_voices_come_in_closed_with_their_outcome_and_count_in_the_rates(world, page, canteen):
    response = page(csv_file([row("H-1"), row("H-2", 答复="", 答复时间="", 评价="")]))
    assert response.status_code == 200, response.content.decode()
    assert "已导入 2 条" in response.content.decode()
    done = Voice.objects.get(external_id="import:H-1")
    assert (done.status, done.rating, done.solved, done.category) == (
        Status.CLOSED,
        "satisfied",
        True,
        canteen,
    )
    assert done.channel == "box" and done.person is None
    assert list(done.events.values_list("action", flat=True)) == ["submit", "answer", "rate"]
    waiting = Voice.objects.get(external_id="import:H-2")
    assert waiting.status == Status.SUBMITTED and waiting.handling_org is None
    (total,) = metrics.rates(
        Voice.objects.all(), datetime.date(2025, 3, 1), datetime.date(2025, 4, 1)
    )
    assert total.valid == 2 and total.satisfied == 1
    assert tally.rebuild() == []  # imported through Voice.save: the tallies followed

    again = page(csv_file([row("H-1"), row("H-3")]))
    assert "已导入 1 条，1 条此前已导入" in again.content.decode()
    assert Voice.objects.count() == 3


def test_any_bad_row_stops_the_whole_file_and_says_where(world, page, canteen):
    rows = [
        row("H-1"),
        row("H-2", 提交时间="去年春天"),
        row("H-3", 反映单位="不存在的单位"),
        row("H-4", 评价="还行"),
        row("H-1"),
        row("H-6", 答复时间="2025-03-01 08:00"),
    ]
    response = page(csv_file(rows))
    html = response.content.decode()
    assert response.status_code == 422
    assert "第 3 行：提交时间“去年春天”不是日期" in html
    assert "第 4 行：反映单位“不存在的单位”不存在" in html
    assert "第 5 行：评价“还行”不正确" in html
    assert "第 6 行：编号 H-1 在文件中重复" in html
    assert "第 7 行：答复时间早于提交时间" in html
    assert not Voice.objects.exists()


def test_missing_columns_and_wrong_files_are_named(page):
    bad = SimpleUploadedFile("x.csv", "标题,内容\n一,二\n".encode())
    assert "缺少列：编号、提交时间、反映单位" in page(bad).content.decode()
    pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.4")
    assert "只能导入 Excel" in page(pdf).content.decode()


def test_only_units_in_scope_can_be_imported(world, login, make_user, canteen):
    other = make_user("mass_b", role="mass_admin", org=world.company_b)
    client = login(other)
    response = client.post("/voices/import/", {"file": csv_file([row("H-1")])})
    assert "您无权导入“甲公司综合部”的呼声" in response.content.decode()
    assert not Voice.objects.exists()
    assert login(world.member).get("/voices/import/").status_code == 403


def test_xlsx_and_the_template(world, login, mass, canteen):
    client = login(mass)
    template = client.get("/voices/import/?template=1")
    assert template["Content-Disposition"].startswith("attachment")
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("呼声")
    for col, name in enumerate(HEADER):
        sheet.write(0, col, name)
    for col, value in enumerate(row("X-1")):
        sheet.write(1, col, value)
    sheet.write_datetime(
        1,
        1,
        datetime.datetime(2025, 3, 3, 9, 0),
        book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    )
    book.close()
    upload = SimpleUploadedFile("past.xlsx", out.getvalue())
    response = client.post("/voices/import/", {"file": upload})
    assert "已导入 1 条" in response.content.decode(), response.content.decode()
    assert Voice.objects.get().submitted_at.date() == datetime.date(2025, 3, 3)
    assert importer.template_workbook()[:2] == b"PK"
