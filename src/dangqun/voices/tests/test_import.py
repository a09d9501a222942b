"""Importing past voices as the data is (issue #15 §1): long bodies, no title, no answer, unknown
category and unit names mapped on the page, only the valid rows with an error file, a progress
page, and the same file twice changing nothing."""

import datetime
import io

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from dangqun.core.models import AuditLog
from dangqun.voices import import_jobs, importer, metrics, suggestions, tally
from dangqun.voices.import_run import run_job
from dangqun.voices.models import (
    Category,
    Status,
    Voice,
    VoiceEvent,
    VoiceImportJob,
    VoiceTally,
)

pytestmark = pytest.mark.django_db
HEADER = ["编号*", "提交时间*", "类型", "渠道", "身份方式", "反映人工号", "标题*", "内容*"]
HEADER += ["反映单位*", "类别", "承办单位", "答复", "答复时间", "是否解决", "评价", "评价时间"]


def csv_file(rows, name="past.csv", header=HEADER):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8-sig"))


def xlsx_file(rows, name="past.xlsx", header=HEADER):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("呼声")
    sheet.write_row(0, 0, header)
    for number, values in enumerate(rows, start=1):
        sheet.write_row(number, 0, values)
    book.close()
    return SimpleUploadedFile(name, out.getvalue())


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


def message(**over):
    """An archive's "message + category" row: no answer, no title, no 编号."""
    return row("", 标题="", 答复="", 答复时间="", 是否解决="", 评价="", 评价时间="", **over)


@pytest.fixture
def page(login, mass, django_capture_on_commit_callbacks):
    """Upload as the mass-work admin, run the queued job; returns the job."""
    client = login(mass)

    def post(upload, **options):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/voices/import/", {"file": upload, **options})
        assert response.status_code == 302, response.content.decode()
        return VoiceImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))

    post.client = client
    return post


def state():
    """Everything an import writes, to compare before and after."""
    return (
        sorted(Voice.objects.values_list("external_id", "status", "title", "category_id")),
        VoiceEvent.objects.count(),
        sorted(VoiceTally.objects.values_list("month", "root", "dimension", "key", "valid")),
    )


def test_answered_rows_come_in_closed_and_count_the_rest_is_history(world, page, canteen):
    job = page(csv_file([row("H-1"), row("H-2", 答复="", 答复时间="", 评价="")]))
    assert (job.status, job.created_count, job.history_count) == ("done", 2, 1), job.message
    done = Voice.objects.get(external_id="import:H-1")
    assert (done.status, done.rating, done.solved, done.category) == (
        Status.CLOSED,
        "satisfied",
        True,
        canteen,
    )
    assert done.channel == "box" and done.person is None
    assert list(done.events.values_list("action", flat=True)) == ["submit", "answer", "rate"]
    past = Voice.objects.get(external_id="import:H-2")
    assert (past.status, past.category, past.response_due) == (Status.HISTORY, canteen, None)
    (total,) = metrics.rates(
        Voice.objects.all(), datetime.date(2025, 3, 1), datetime.date(2025, 4, 1)
    )
    assert total.valid == 1 and total.satisfied == 1  # the history row is not in 三率
    assert tally.rebuild() == []  # the tallies were recounted after the bulk write
    assert AuditLog.objects.filter(action="voice.import").count() == 1


def test_imported_history_is_found_when_the_same_complaint_comes_again(
    world, page, canteen, mass, raise_voice
):
    page(csv_file([message(内容="食堂午餐排队超过二十分钟，希望增加打饭窗口。")]))
    earlier = Voice.objects.get(status=Status.HISTORY)

    new, _ = raise_voice(
        title="食堂排队", content="食堂午餐排队超过二十分钟了，希望多开几个打饭窗口。"
    )

    found = [other.pk for other, _ in suggestions.duplicate_candidates(mass, new)]
    assert found == [earlier.pk]  # indexed after the import's chunk committed


def test_a_category_cannot_route_voices_to_a_unit_outside_the_importers_scope(world, page):
    Category.objects.create(name="班车", handling_org=world.dept_b)  # 乙公司's category
    job = page(csv_file([row("H-1", 类别="班车", 承办单位="")]))
    assert job.status == "invalid" and not Voice.objects.exists()
    [error] = job.errors
    assert error["column"] == "承办单位" and "“乙公司生产部”不在您的管理范围" in error["message"]
    # naming a unit of their own is fine
    done = page(csv_file([row("H-1", 类别="班车", 承办单位="甲公司综合部")]))
    assert done.status == "done" and Voice.objects.get().handling_org == world.dept_a


def test_a_number_outside_the_importers_sight_borrows_no_name(world, page, canteen):
    rows = [
        row("H-1", 身份方式="实名", 反映人工号="B0001"),
        row("H-2", 身份方式="实名", 反映人工号="A0001"),
    ]
    job = page(csv_file(rows))
    assert job.status == "invalid" and not Voice.objects.exists()
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (2, "反映人工号 B0001 不在您可查看的人员名册中")  # 赵六 works in 乙公司
    ]
    assert "赵六" not in str(job.errors)


def test_an_inactive_category_is_asked_to_be_mapped(world, page, canteen):
    canteen.active = False
    canteen.save(update_fields=["active"])
    job = page(csv_file([row("H-1")]))
    assert job.status == "mapping" and "食堂" in str(job.unknown)


def test_unanswered_rows_can_stay_to_be_handled_here(world, page, canteen):
    job = page(csv_file([row("H-2", 答复="", 答复时间="", 评价="")]), unanswered="pending")
    waiting = Voice.objects.get(external_id="import:H-2")
    assert job.history_count == 0
    assert waiting.status == Status.SUBMITTED and waiting.handling_org is None


def test_a_second_import_of_the_same_file_changes_nothing(world, page, canteen):
    rows = [row("H-1"), message(内容="班车经常晚点。希望调整"), message(内容="宿舍没有热水")]
    first = page(xlsx_file(rows))
    assert first.created_count == 3
    before = state()
    again = page(xlsx_file(rows))
    assert (again.status, again.created_count, again.unchanged_count) == ("done", 0, 3)
    assert "此前已导入 3 条" in again.message
    assert state() == before
    # one row more: only it is added
    page(xlsx_file([*rows, message(内容="停车位不够")]))
    assert Voice.objects.count() == 4


def test_a_long_untitled_unanswered_message_is_history_with_a_derived_title(world, page, canteen):
    body = "尊敬的领导：您好！厂区东门的路灯坏了两个月，夜班下班很危险。" + "路" * 12_000
    job = page(xlsx_file([message(内容=body)]))
    assert job.status == "done", job.errors
    voice = Voice.objects.get()
    assert len(voice.content) > 12_000 and voice.content == body
    assert voice.title == "厂区东门的路灯坏了两个月，夜班下班很危险"
    assert voice.title_derived and voice.status == Status.HISTORY
    assert voice.external_id.startswith("import:sha256:")
    detail = page.client.get(f"/voices/{voice.pk}/").content.decode()
    assert "标题由内容生成" in detail and "历史记录" in detail


def test_derived_titles():
    assert importer.derive_title("食堂太贵了。希望降价") == "食堂太贵了"
    assert importer.derive_title("您好：\n班车晚点！") == "班车晚点"
    long = importer.derive_title("路" * 100)
    assert len(long) == importer.TITLE_CHARS and long.endswith("…")


def test_a_body_over_the_limit_is_refused_in_chinese(world, page, canteen):
    # an Excel cell holds at most 32,767 characters: longer bodies come in a csv
    job = page(csv_file([message(内容="长" * 50_001)]))
    assert job.status == "invalid"
    assert job.errors == [
        {
            "row": 2,
            "column": "内容",
            "message": "内容不能超过 50000 个字（现有 50001 个字），可分几条反映",
        }
    ]


def test_any_bad_row_stops_the_file_unless_only_valid_rows_are_wanted(world, page, canteen):
    rows = [
        row("H-1"),
        row("H-2", 提交时间="去年春天"),
        row("H-4", 评价="还行"),
        row("H-1"),
        row("H-6", 答复时间="2025-03-01 08:00"),
    ]
    job = page(csv_file(rows))
    assert job.status == "invalid" and not Voice.objects.exists()
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (3, "提交时间"),
        (4, "评价"),
        (5, "编号"),
        (6, "答复时间"),
    }
    assert "编号与第 2 行重复" in str(job.errors)
    html = page.client.get(f"/voices/import/{job.pk}/").content.decode()
    assert "第 3 行" in html and "提交时间“去年春天”不是日期" in html
    errors = page.client.get(f"/voices/import/{job.pk}/errors/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    lines = [[c.value for c in r] for r in sheet.iter_rows()]
    assert lines[0][-1] == "错误原因" and len(lines) == 5
    assert "原第 3 行 · 提交时间：" in lines[1][-1]

    valid = page(csv_file(rows), valid_only="1")
    assert (valid.status, valid.created_count) == ("done", 1)
    assert "有错误的 4 行未导入" in valid.message
    assert AuditLog.objects.filter(action="voice.import_error_file").count() == 1


def test_unknown_categories_are_listed_once_and_mapped_on_the_page(world, page, canteen):
    rows = [message(类别="餐饮", 内容=f"第{i}次反映饭菜太咸") for i in range(3)]
    rows += [message(类别="交通", 内容="班车晚点"), message(内容="食堂贵")]
    job = page(csv_file(rows))
    assert job.status == "mapping" and not Voice.objects.exists()
    assert job.unknown == {
        "category": [
            {"name": "交通", "rows": [5], "count": 1},
            {"name": "餐饮", "rows": [2, 3, 4], "count": 3},
        ]
    }
    html = page.client.get(f"/voices/import/{job.pk}/").content.decode()
    assert "类别“餐饮”" in html and "第 2、3、4 行" in html and 'name="category-1"' in html
    # nothing chosen for 交通: refused in Chinese, nothing lost
    response = page.client.post(f"/voices/import/{job.pk}/map/", {"category-1": canteen.pk})
    assert (
        response.status_code == 422 and "请为以下名称选择对应项：交通" in response.content.decode()
    )
    assert VoiceImportJob.objects.get().status == "mapping"


def test_mapping_then_imports_the_file(world, page, canteen, django_capture_on_commit_callbacks):
    rows = [message(类别="餐饮", 内容="饭菜太咸"), message(类别="交通", 内容="班车晚点")]
    rows.append(message(反映单位="老系统综合办", 内容="会议室太少"))
    job = page(csv_file(rows))
    assert job.status == "mapping" and [u["name"] for u in job.unknown["unit"]] == ["老系统综合办"]
    data = {"category-0": 0, "category-1": canteen.pk, "unit-0": world.dept_a.pk}  # 交通, 餐饮
    with django_capture_on_commit_callbacks(execute=True):
        response = page.client.post(f"/voices/import/{job.pk}/map/", data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 3), job.message
    by_text = {v.content: v for v in Voice.objects.all()}
    assert by_text["饭菜太咸"].category == canteen
    assert by_text["班车晚点"].category is None
    assert by_text["会议室太少"].unit == world.dept_a
    assert AuditLog.objects.filter(action="voice.import_mapping").count() == 1


def test_missing_columns_and_wrong_files_are_named(page):
    job = page(SimpleUploadedFile("x.csv", "标题,内容\n一,二\n".encode()))
    assert job.status == "invalid" and "缺少列：提交时间、反映单位" in job.message
    job = page(SimpleUploadedFile("x.xlsx", b"%PDF-1.4"))
    assert job.status == "invalid" and "不是有效的 Excel" in job.message


def test_only_units_in_scope_can_be_imported(world, login, make_user, canteen):
    other = make_user("mass_b", role="mass_admin", org=world.company_b)
    job = import_jobs.IMPORTS.start(other, csv_file([row("H-1")]), valid_rows_only=False)
    run_job(job.pk)
    job.refresh_from_db()
    assert "您无权导入“甲公司综合部”的呼声" in str(job.errors)
    assert not Voice.objects.exists()
    assert login(world.member).get("/voices/import/").status_code == 403


def test_jobs_are_their_owners(world, page, login, make_user, canteen):
    job = page(csv_file([row("H-1", 提交时间="x")]))
    urls = (f"/voices/import/{job.pk}/", f"/voices/import/{job.pk}/errors/")
    other = login(make_user("mass2", role="mass_admin", org=world.company_a))
    assert [other.get(url).status_code for url in urls] == [404, 404]
    assert other.post(f"/voices/import/{job.pk}/map/", {}).status_code == 404
    member = login(world.member)
    assert [member.get(url).status_code for url in urls] == [403, 403]


def test_status_page_polls_while_running(world, page, mass, django_assert_num_queries):
    running = VoiceImportJob.objects.create(
        created_by=mass,
        file_name="a.xlsx",
        stored_file="x.xlsx",
        status="importing",
        total_rows=200,
        processed_rows=50,
    )
    client = page.client
    client.get("/")
    with django_assert_num_queries(4):  # session, user, grants, job
        partial = client.get(
            f"/voices/import/{running.pk}/", headers={"HX-Request": "true"}
        ).content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'value="50"' in partial and "25%" in partial
    with django_assert_num_queries(5):  # … and the bell
        assert client.get(f"/voices/import/{running.pk}/").status_code == 200
    with django_assert_num_queries(5):  # session, user, grants, recent jobs, the bell
        assert client.get("/voices/import/").status_code == 200


def test_the_template_imports_once_filled_in(world, page, canteen):
    book = openpyxl.load_workbook(io.BytesIO(page.client.get("/voices/import/?template=1").content))
    header = [c.value for c in book.active[1]]
    assert header[:2] == ["编号", "提交时间*"] and "标题" in header and "内容*" in header
    assert book.active["G2"].value == "食堂排队时间长"


def test_the_web_form_takes_a_long_body_and_refuses_one_over_the_limit(client, world):
    client.force_login(world.member)
    body = "班车太挤。" + "挤" * 12_000
    voice = {"kind": "request", "title": "班车", "identity": "named"}
    client.post("/voices/new/", {**voice, "content": body})
    assert Voice.objects.get().content == body
    response = client.post("/voices/new/", {**voice, "content": "挤" * 50_001})
    assert "内容不能超过 50000 个字" in response.content.decode()  # the form again, kept
    assert Voice.objects.count() == 1


def test_the_mapping_page_takes_a_fixed_number_of_queries(
    world, page, canteen, django_assert_num_queries
):
    rows = [message(类别=f"旧类别{i}", 反映单位=f"旧单位{i}", 内容=f"第{i}条") for i in range(5)]
    job = page(csv_file(rows))
    assert job.status == "mapping" and len(job.unknown["unit"]) == 5
    page.client.get("/")
    # session, user, grants, job, categories, units, the bell
    with django_assert_num_queries(7):
        html = page.client.get(f"/voices/import/{job.pk}/").content.decode()
    assert 'name="unit-4"' in html and 'name="category-4"' in html


def test_error_files_are_swept_thirty_days_after_the_import(world, page, canteen):
    from django.utils import timezone

    from dangqun.core.imports.files import error_file_path
    from dangqun.voices.tasks import sweep_voice_import_error_files

    job = page(csv_file([row("H-1"), row("H-2", 提交时间="去年春天")]))
    path = error_file_path(job)
    assert job.status == "invalid" and path.exists()
    waiting = page(csv_file([row("H-3", 类别="不存在的类别")]))
    assert waiting.status == "mapping"
    upload = error_file_path(waiting).with_name(waiting.stored_file)
    assert upload.exists()  # kept for the owner's mapping
    long_ago = timezone.now() - datetime.timedelta(days=31)
    VoiceImportJob.objects.update(finished_at=long_ago)
    assert sweep_voice_import_error_files.call_local() == 1
    assert not path.exists() and upload.exists()
    job.refresh_from_db()
    assert job.stored_file == "" and not job.has_error_file
    assert page.client.get(f"/voices/import/{job.pk}/errors/").status_code == 404
