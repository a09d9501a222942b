"""Questions in and out of the xlsx template (issue #17 §3, decision 0035).

The file is read by the shared reader (``people.imports.read``: a renamed non-Excel file, an old
.xls, formula cells and merged cells are refused as a whole, with Chinese reasons), then every row
is checked — blank stem, unknown type, an answer not among the options, a cell starting with
"=", duplicates within the file and against the bank — and every error is reported with its row,
column and reason. Nothing is written unless the whole file is sound; then all rows go in with one
``bulk_create`` in one transaction (5,000 questions well within 10 s). Export writes the same
template, so an exported bank imports again as it is (into another organisation's bank)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from django.db import transaction

from dangqun.core import audit
from dangqun.core.imports.files import ImportFileError, import_dir, store_upload
from dangqun.learning import questions, services
from dangqun.learning.exam_models import Kind, Question
from dangqun.people.imports.read import column_letter, is_blank, read_table

OPTION_COLUMNS = [f"选项{letter}" for letter in questions.LETTERS[:6]]
HEADER = ["题型", "题干", *OPTION_COLUMNS, "答案", "解析", "标签", "难度"]
KINDS = {
    "单选题": Kind.SINGLE,
    "单选": Kind.SINGLE,
    "多选题": Kind.MULTIPLE,
    "多选": Kind.MULTIPLE,
    "判断题": Kind.TRUE_FALSE,
    "判断": Kind.TRUE_FALSE,
    "填空题": Kind.FILL,
    "填空": Kind.FILL,
}
TRUE_WORDS = {"正确", "对", "是", "√", "✓", "T", "TRUE"}
FALSE_WORDS = {"错误", "错", "否", "×", "✗", "F", "FALSE"}
EXAMPLES = [
    [
        "单选题",
        "中国共产党党员必须是年满多少岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子？",
        "十六岁",
        "十八岁",
        "二十岁",
        "二十二岁",
        "",
        "",
        "B",
        "党章第一条。",
        "党章，党员",
        1,
    ],
    [
        "多选题",
        "党员的八项义务包括（ ）。",
        "认真学习马克思列宁主义",
        "贯彻执行党的基本路线",
        "坚持党和人民的利益高于一切",
        "担任领导职务",
        "",
        "",
        "ABC",
        "",
        "党章",
        2,
    ],
    [
        "判断题",
        "预备党员的预备期为一年。",
        "",
        "",
        "",
        "",
        "",
        "",
        "正确",
        "党章第七条。",
        "党章",
        1,
    ],
    [
        "填空题",
        "党的最高领导机关，是党的全国代表大会和它所产生的（ ）。",
        "",
        "",
        "",
        "",
        "",
        "",
        "中央委员会|党中央委员会",
        "多个可接受的答案用 | 分隔。",
        "党章，组织制度",
        2,
    ],
]
NOTES = [
    "每行一道题。题型：单选题、多选题、判断题、填空题。",
    "选择题把选项依次填在“选项A”起的列中（至少两个）；答案填字母，多选题如 ABD。",
    "判断题答案填“正确”或“错误”，不用填选项。填空题答案可填多个可接受的写法，用 | 分隔。",
    "标签用逗号分隔，如“党章，组织制度”；难度填 1–5（不填为 3）。",
    "请勿使用公式；整份文件无误才会导入，有错误时会列出每个错误所在的行、列和原因。",
]


@dataclass
class RowError:
    row: int
    column: str  # e.g. "C 列（选项A）"; "" for the row as a whole
    reason: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f" {self.column}" if self.column else "")
        return f"{where}：{self.reason}"


@dataclass
class Checked:
    questions: list[Question] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


def _text(value) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _col(header: list[str], name: str) -> str:
    return f"{column_letter(header.index(name))} 列（{name}）"


def _answer(kind: str, text: str, options: list[str]) -> tuple[list, str]:
    """The answer cell as stored values, or the reason it cannot be."""
    if kind == Kind.FILL:
        accepted = [a.strip() for a in text.replace("｜", "|").split("|") if a.strip()]
        return accepted, "" if accepted else "填空题至少要填一个可接受的答案"
    if kind == Kind.TRUE_FALSE:
        word = text.upper()
        if word in TRUE_WORDS:
            return [0], ""
        if word in FALSE_WORDS:
            return [1], ""
        return [], "判断题的答案只能填“正确”或“错误”"
    letters = [c for c in text.upper() if c not in "，,、 ；;"]
    if not letters:
        return [], "请填写答案（选项字母，如 A 或 ABD）"
    shown = questions.LETTERS[: len(options)]
    wrong = [c for c in letters if c not in shown]
    if wrong:
        have = f"只有 A–{shown[-1]}" if shown else "没有填写选项"
        return [], f"答案“{''.join(wrong)}”不在选项中（{have}）"
    return sorted({shown.index(c) for c in letters}), ""


def check_table(org, header: list[str], rows: list[tuple[int, list]]) -> Checked:
    """Every row checked; the questions to write when there is no error."""
    out = Checked()
    missing = [name for name in ("题型", "题干", "答案") if name not in header]
    if missing:
        out.file_error = (
            f"表头缺少“{'、'.join(missing)}”列。请下载导入模板，按模板的表头填写后再导入。"
        )
        return out
    at = {name: header.index(name) for name in HEADER if name in header}
    option_at = [at[name] for name in OPTION_COLUMNS if name in at]
    in_bank = set(Question.objects.filter(org=org).values_list("stem_key", flat=True))
    seen: dict[str, int] = {}
    for number, cells in rows:
        cells = list(cells) + [None] * (len(header) - len(cells))

        def cell(name, cells=cells):
            return _text(cells[at[name]]) if name in at else ""

        errors: list[RowError] = []
        for index, value in enumerate(cells[: len(header)]):
            if isinstance(value, str) and value.lstrip().startswith("="):
                name = header[index] or column_letter(index)
                errors.append(
                    RowError(
                        number,
                        f"{column_letter(index)} 列（{name}）",
                        "内容以“=”开头，像是公式；请改为文字（不要以“=”开头）",
                    )
                )
        kind = KINDS.get(cell("题型"))
        stem = cell("题干")
        if kind is None:
            errors.append(
                RowError(number, _col(header, "题型"), "题型只能是单选题、多选题、判断题或填空题")
            )
        if not stem:
            errors.append(RowError(number, _col(header, "题干"), "题干不能为空"))
        options = [_text(cells[i]) for i in option_at]
        while options and not options[-1]:
            options.pop()
        answer: list = []
        if kind is not None:
            if kind in (Kind.SINGLE, Kind.MULTIPLE):
                if "" in options:
                    gap = option_at[options.index("")]
                    errors.append(
                        RowError(
                            number, f"{column_letter(gap)} 列（{header[gap]}）", "选项中间不能留空"
                        )
                    )
                elif len(options) < 2:
                    errors.append(
                        RowError(
                            number,
                            _col(header, "选项A") if "选项A" in at else "",
                            "选择题至少要有两个选项",
                        )
                    )
            answer, reason = _answer(kind, cell("答案"), options)
            if reason:
                errors.append(RowError(number, _col(header, "答案"), reason))
            elif not errors:
                found = questions.check(kind, stem, options, answer)
                for name, message in found.items():
                    column = {"stem": "题干", "answer": "答案", "options": "选项A"}.get(name, "")
                    errors.append(
                        RowError(number, _col(header, column) if column in at else "", message)
                    )
        difficulty = cell("难度") or "3"
        if not difficulty.isdigit() or not 1 <= int(difficulty) <= 5:
            errors.append(RowError(number, _col(header, "难度"), "难度只能填 1–5 的整数"))
        if stem:
            key = questions.stem_key(stem)
            if key in seen:
                errors.append(
                    RowError(number, _col(header, "题干"), f"与第 {seen[key]} 行的题目重复")
                )
            elif key in in_bank:
                errors.append(RowError(number, _col(header, "题干"), questions.DUPLICATE))
            else:
                seen[key] = number
        if errors:
            out.errors.extend(errors)
            continue
        fields = questions.fields_of(
            {
                "kind": kind,
                "stem": stem,
                "options": options,
                "answer": answer,
                "explanation": cell("解析"),
                "tags": cell("标签"),
                "difficulty": difficulty,
            }
        )
        out.questions.append(Question(org=org, **fields))
    return out


def check_file(org, path: Path, file_name: str) -> Checked:
    try:
        table = read_table(path, file_name)
    except ImportFileError as exc:
        return Checked(file_error=str(exc).replace("一个人员", "一道试题"))
    return check_table(org, table.header, table.rows)


def import_upload(user, org, uploaded) -> Checked:
    """Check the uploaded file; when it is sound as a whole, write every question (one
    transaction, audited once). Otherwise write nothing and return the errors."""
    services.require_manage(user, org)
    stored = import_dir() / store_upload(uploaded)
    try:
        checked = check_file(org, stored, uploaded.name)
    finally:
        stored.unlink(missing_ok=True)
    if not checked.ok:
        return checked
    with transaction.atomic():
        for question in checked.questions:
            question.created_by = user
        Question.objects.bulk_create(checked.questions, batch_size=1000)
        audit.record(
            user,
            "learning.question.import",
            org,
            after={"文件": uploaded.name[:200], "导入题数": len(checked.questions)},
        )
    return checked


def workbook(rows) -> bytes:
    """The template with ``rows`` (lists in HEADER order) under the header; a 说明 sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB"})
    sheet = book.add_worksheet("试题")
    sheet.write_row(0, 0, HEADER, bold)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, len(HEADER) - 1, 16)
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(number, col, value)
            elif value:
                sheet.write_string(number, col, str(value))
    notes = book.add_worksheet("说明")
    notes.set_column(0, 0, 90)
    for number, note in enumerate(NOTES):
        notes.write_string(number, 0, note)
    book.close()
    return buffer.getvalue()


def template() -> bytes:
    return workbook(EXAMPLES)


def row_of(question: Question) -> list:
    options = question.options if question.kind in (Kind.SINGLE, Kind.MULTIPLE) else []
    padded = (options + [""] * len(OPTION_COLUMNS))[: len(OPTION_COLUMNS)]
    return [
        question.get_kind_display(),
        question.stem,
        *padded,
        questions.answer_text(question),
        question.explanation,
        question.tags,
        question.difficulty,
    ]


def export(user, rows) -> bytes:
    """The questions ``rows`` (already scoped to the user) in the template; audited."""
    rows = list(rows)
    data = workbook(row_of(q) for q in rows)
    audit.record(
        user,
        "learning.question.export",
        None,
        object_type="learning.question",
        object_repr="题库导出",
        after={"题数": len(rows)},
    )
    return data
