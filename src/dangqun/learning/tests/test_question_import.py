"""The question bank's xlsx import (issue #17 §3, §7): every row error with its row, column and
Chinese reason, nothing written unless the whole file is sound; the template and the export read
back as they are."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from dangqun.learning import question_import
from dangqun.learning.exam_models import Question

HEADER = question_import.HEADER


def xlsx(rows, formula=None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("试题")
    sheet.write_row(0, 0, HEADER)
    for n, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value != "":
                sheet.write(n, c, value)
    if formula:
        sheet.write_formula(*formula)
    book.close()
    return buffer.getvalue()


def row(kind="单选题", stem="题干", options=("甲", "乙", "丙"), answer="A", tags="党章", level=2):
    opts = list(options) + [""] * (6 - len(options))
    return [kind, stem, *opts, answer, "", tags, level]


def upload(user, org, content, name="题库.xlsx"):
    return question_import.import_upload(user, org, SimpleUploadedFile(name, content))


def test_a_sound_file_is_imported_whole(world, secretary):
    content = xlsx(
        [
            row(stem="单选一"),
            row(kind="多选题", stem="多选一", answer="AC"),
            row(kind="判断题", stem="判断一", options=(), answer="错误"),
            row(kind="填空题", stem="填空一", options=(), answer="中央委员会|党中央"),
        ]
    )
    checked = upload(secretary, world.branch_a, content)
    assert checked.ok and len(checked.questions) == 4
    got = {q.stem: (q.kind, q.options, q.answer) for q in Question.objects.all()}
    assert got["多选一"] == ("multiple", ["甲", "乙", "丙"], [0, 2])
    assert got["判断一"] == ("true_false", ["正确", "错误"], [1])
    assert got["填空一"] == ("fill", [], ["中央委员会", "党中央"])


def test_every_row_error_is_reported_and_nothing_written(world, secretary, bank):
    content = xlsx(
        [
            row(stem="好题一"),
            row(stem="", answer="A"),  # 3: blank stem
            row(stem="答案不在选项中", answer="E"),  # 4
            row(stem="好题一"),  # 5: duplicate within the file
            row(stem=bank[0].stem),  # 6: already in the bank
            row(stem="=1+1"),  # 7: looks like a formula
            row(kind="问答题", stem="题型不对"),  # 8
            row(stem="难度不对", level=9),  # 9
            row(kind="判断题", stem="判断不对", options=(), answer="也许"),  # 10
        ]
    )
    checked = upload(secretary, world.branch_a, content)
    assert not checked.ok
    found = [str(e) for e in checked.errors]
    assert "第 3 行 B 列（题干）：题干不能为空" in found
    assert "第 4 行 I 列（答案）：答案“E”不在选项中（只有 A–C）" in found
    assert "第 5 行 B 列（题干）：与第 2 行的题目重复" in found
    assert "第 6 行 B 列（题干）：题库中已有相同题干的题目" in found
    assert any(f.startswith("第 7 行 B 列（题干）：内容以“=”开头") for f in found)
    assert "第 8 行 A 列（题型）：题型只能是单选题、多选题、判断题或填空题" in found
    assert "第 9 行 L 列（难度）：难度只能填 1–5 的整数" in found
    assert "第 10 行 I 列（答案）：判断题的答案只能填“正确”或“错误”" in found
    assert Question.objects.count() == len(bank)  # nothing written


def test_a_formula_cell_refuses_the_file(world, secretary):
    checked = upload(secretary, world.branch_a, xlsx([row()], formula=(1, 11, "=1+1")))
    assert "文件中有公式（L2）" in checked.file_error
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"%PDF-1.4 not a spreadsheet", "题库.xlsx", "可能是其他类型的文件改了扩展名"),
        (b"", "题库.xlsx", "文件是空的"),
        (b"x", "题库.pdf", "只能导入 Excel"),
    ],
)
def test_a_renamed_or_empty_file_is_refused(world, secretary, content, name, reason):
    checked = upload(secretary, world.branch_a, content, name)
    assert reason in checked.file_error
    assert not Question.objects.exists()


def test_missing_columns(world, secretary):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "题干"])
    sheet.write_row(1, 0, ["x", "y"])
    book.close()
    checked = upload(secretary, world.branch_a, buffer.getvalue())
    assert "表头缺少“题型、答案”列" in checked.file_error


def test_the_template_and_the_export_import_again(world, secretary, bank):
    checked = upload(
        secretary, world.branch_b if False else world.branch_a, question_import.template()
    )
    assert checked.ok and len(checked.questions) == len(question_import.EXAMPLES)
    exported = question_import.export(secretary, Question.objects.all())
    Question.objects.all().delete()
    checked = upload(secretary, world.branch_a, exported)
    assert checked.ok, [str(e) for e in checked.errors]
    assert Question.objects.count() == len(bank) + len(question_import.EXAMPLES)


def test_only_organisers_import(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        upload(world.member, world.branch_a, question_import.template())
    with pytest.raises(PermissionDenied):
        upload(world.outsider, world.branch_a, question_import.template())
