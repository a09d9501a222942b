"""The import columns, and turning one row's cells into typed values (or Chinese errors).

The rules about people themselves live in ``services.check_person_data`` / ``check_profile_data``;
this module only reads cells: text, dates, choices by their Chinese labels, organisations by name.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from dangqun.core import crypto, idnumber
from dangqun.core.imports.files import ERROR_COLUMN
from dangqun.orgs.models import Org, System
from dangqun.people.imports.read import is_blank
from dangqun.people.models import (
    PARTY_STATUSES,
    Education,
    Gender,
    MemberCategory,
    Person,
    PoliticalStatus,
)


@dataclass(frozen=True)
class Column:
    label: str
    key: str
    kind: str  # text, code, id, date, choice, org
    required: str  # "是", "否", or when it is required
    help: str
    choices: dict[str, str] | None = None
    system: str | None = None


GENDERS = {label: value for value, label in Gender.choices} | {"男性": "M", "女性": "F"}
EDUCATIONS = {label: value for value, label in Education.choices} | {
    "本科": "bachelor",
    "大专": "college",
    "专科": "college",
    "硕士研究生": "postgraduate",
    "博士研究生": "postgraduate",
}
STATUSES = {label: value for value, label in PoliticalStatus.choices} | {
    "党员": "cpc",
    "预备党员": "cpc_probationary",
    "团员": "league",
    "民主党派": "democratic",
}
CATEGORIES = {label: value for value, label in MemberCategory.choices}

COLUMNS = [
    Column("工号", "employee_no", "code", "是", "在本单位唯一的职工编号；已登记的人员按此更新"),
    Column("姓名", "name", "text", "是", ""),
    Column("性别", "gender", "choice", "填写身份证号时可空", "", GENDERS),
    Column("民族", "ethnicity", "text", "否", "如 汉族、回族；新建时留空按汉族登记"),
    Column(
        "公民身份号码",
        "id_number",
        "id",
        "否",
        "18 位，末位可为 X；请设为文本格式，避免 Excel 把末几位变成 0；"
        "出生日期和性别以号码为准。已登记的人员先按此号码匹配",
    ),
    Column("出生日期", "birth_date", "date", "否", "如 1990-01-05；填写身份证号时须与号码一致"),
    Column("学历", "education", "choice", "否", "", EDUCATIONS),
    Column(
        "所在单位",
        "unit",
        "org",
        "是",
        "行政组织的完整名称，须在您的管理范围内；有重名时填写带上级的名称，如 集团 / 公司 / 部门",
        system=System.ENTERPRISE,
    ),
    Column("工作岗位", "job_post", "text", "否", ""),
    Column("联系电话", "phone", "code", "否", "手机或座机号码"),
    Column("家庭住址", "address", "text", "否", ""),
    Column("政治面貌", "political_status", "choice", "否", "新建时留空按群众登记", STATUSES),
    Column(
        "所在党支部",
        "branch",
        "org",
        "党员必填",
        "党支部（或党总支、党委）的完整名称；仅党员填写；有重名时填写带上级的名称",
        system=System.PARTY,
    ),
    Column("加入党组织日期", "joined_on", "date", "党员必填", "如 2015-07-01；仅党员填写"),
    Column(
        "转为正式党员日期",
        "full_member_on",
        "date",
        "正式党员必填",
        "政治面貌为中共党员时填写，中共预备党员不填",
    ),
    Column(
        "人员类别", "category", "choice", "否", "仅党员填写；新建时留空按在岗职工登记", CATEGORIES
    ),
    Column("工会组织", "union_org", "org", "否", "工会组织的完整名称", system=System.UNION),
    Column("团组织", "league_org", "org", "否", "团组织的完整名称", system=System.LEAGUE),
]
LABELS = [column.label for column in COLUMNS]
LABEL_OF = {column.key: column.label for column in COLUMNS}
PROFILE_KEYS = ["branch", "joined_on", "full_member_on", "category"]
PERSON_KEYS = [column.key for column in COLUMNS if column.key not in PROFILE_KEYS]
MAX_LENGTHS = {
    key: Person._meta.get_field(key).max_length
    for key in ("employee_no", "name", "ethnicity", "job_post", "phone", "address")
}
DATE_PATTERN = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user."""


def check_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Map each column key to its position; errors name missing, unknown and repeated columns."""
    positions: dict[str, int] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    by_label = {column.label: column.key for column in COLUMNS}
    for index, label in enumerate(header):
        label = re.sub(r"\s+", "", label).removeprefix("*").removesuffix("*")
        if not label or label == ERROR_COLUMN:
            continue
        if label in seen:
            repeated.append(label)
            continue
        seen[label] = index
        if label in by_label:
            positions[by_label[label]] = index
        else:
            unknown.append(label)
    errors = []
    missing = [column.label for column in COLUMNS if column.key not in positions]
    if missing:
        errors.append(f"缺少列：{'、'.join(missing)}")
    if unknown:
        errors.append(f"无法识别的列：{'、'.join(unknown)}")
    if repeated:
        errors.append(f"重复的列：{'、'.join(dict.fromkeys(repeated))}")
    if errors:
        errors.append("请使用导入模板，表头须与模板一致（列的顺序可以不同）。")
    return positions, errors


# Cells -----------------------------------------------------------------------------------


def read_text(value) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        raise CellError("应为文字，实为逻辑值")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    return str(value).strip()


def read_id_number(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(
            "公民身份号码被保存成了数字，末几位可能已被 Excel 改成 0。请把该列设为文本格式后重新填写"
        )
    return idnumber.normalise(read_text(value))


def read_date(value) -> datetime.date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and COMPACT_DATE.match(str(int(value))):
            value = str(int(value))
        else:
            raise CellError(f"无法识别的日期“{value}”，请填写如 2020-01-05 的日期")
    text = str(value).strip()
    match = DATE_PATTERN.match(text) or COMPACT_DATE.match(text)
    if not match:
        raise CellError(f"无法识别的日期“{text}”，请填写如 2020-01-05 的日期")
    year, month, day = (int(part) for part in match.groups())
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        raise CellError(f"日期“{text}”不存在") from None
    if year < 1900:
        raise CellError(f"日期“{text}”不合理")
    return date


def canonical_labels(choices: dict[str, str]) -> list[str]:
    """The first label of each value: the model's own label, before any alias."""
    first: dict[str, str] = {}
    for label, value in choices.items():
        first.setdefault(value, label)
    return list(first.values())


def read_choice(value, choices: dict[str, str]) -> str:
    text = re.sub(r"\s+", "", read_text(value))
    if not text:
        return ""
    if text not in choices:
        allowed = "、".join(canonical_labels(choices))
        raise CellError(f"“{text}”不是可选的值（可选：{allowed}）")
    return choices[text]


# Organisations by name --------------------------------------------------------------------


class OrgNames:
    """Find an organisation by its exact name among those the importing user may use."""

    def __init__(self, orgs: list[Org], names_by_path: dict[str, str]):
        self.orgs = orgs
        self.by_name: dict[str, list[Org]] = defaultdict(list)
        for org in orgs:
            self.by_name[org.name.strip()].append(org)
        self.names_by_path = names_by_path
        self._by_label: dict[str, list[Org]] | None = None

    def label(self, org: Org) -> str:
        """The name with its ancestors, to tell two organisations of the same name apart."""
        steps = Org.steplen
        parts = [
            self.names_by_path.get(org.path[:end], "?")
            for end in range(steps, len(org.path) + 1, steps)
        ]
        return " / ".join(parts)

    def find(self, name: str, system: str) -> Org:
        """By its name, or — when two share a name — by the name with its ancestors (a label)."""
        if LABEL_SEPARATOR in name:
            found = self._labels().get(_normal_label(name), [])
        else:
            found = self.by_name.get(name, [])
        active = [org for org in found if org.dissolved_on is None]
        if not active:
            if found:
                raise CellError(f"组织“{name}”已撤销")
            raise CellError(f"找不到名为“{name}”的组织，或该组织不在您的管理范围内")
        same_system = [org for org in active if org.system == system]
        candidates = same_system or active
        if len(candidates) > 1:
            labels = "；".join(self.label(org) for org in candidates[:5])
            raise CellError(
                f"有 {len(candidates)} 个组织都叫“{name}”（{labels}），无法确定是哪一个；"
                "请改填带上级组织的名称，如“" + self.label(candidates[0]) + "”"
            )
        # A single organisation of another system is returned: the service rules say why it is wrong.
        return candidates[0]

    def _labels(self) -> dict[str, list[Org]]:
        if self._by_label is None:
            self._by_label = defaultdict(list)
            for org in self.orgs:
                self._by_label[_normal_label(self.label(org))].append(org)
        return self._by_label


LABEL_SEPARATOR = "/"


def _normal_label(label: str) -> str:
    return LABEL_SEPARATOR.join(part.strip() for part in label.split(LABEL_SEPARATOR))


# Rows --------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    """One data row: its cells, the values read from them, and what is wrong with it."""

    number: int
    cells: list
    values: dict = field(default_factory=dict)  # only the non-blank cells, typed
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)
    id_hash: str | None = None

    @property
    def employee_no(self) -> str:
        return self.values.get("employee_no", "")

    def add_error(self, key_or_label: str, message: str) -> None:
        label = LABEL_OF.get(key_or_label, key_or_label)
        if (label, message) not in self.errors:
            self.errors.append((label, message))

    @property
    def is_party(self) -> bool:
        return self.values.get("political_status") in PARTY_STATUSES


def parse_row(number: int, cells: list, positions: dict[str, int], orgs: OrgNames) -> ParsedRow:
    """Read every cell of one row; the errors say which column and why."""
    row = ParsedRow(number=number, cells=cells)
    for column in COLUMNS:
        index = positions[column.key]
        value = cells[index] if index < len(cells) else None
        try:
            parsed = _read_cell(column, value, orgs)
        except CellError as exc:
            row.add_error(column.label, str(exc))
            continue
        if parsed not in ("", None):
            row.values[column.key] = parsed
    for key, limit in MAX_LENGTHS.items():
        if len(row.values.get(key, "")) > limit:
            row.add_error(key, f"不能超过 {limit} 个字")
    if "id_number" in row.values and not any(c == "公民身份号码" for c, _ in row.errors):
        try:
            idnumber.parse(row.values["id_number"])
        except idnumber.IdNumberError as exc:
            row.add_error("id_number", str(exc))
        else:
            row.id_hash = crypto.keyed_hash(row.values["id_number"])
    return row


def _read_cell(column: Column, value, orgs: OrgNames):
    if column.kind == "id":
        return read_id_number(value)
    if column.kind == "date":
        return read_date(value)
    if column.kind == "choice":
        return read_choice(value, column.choices or {})
    text = read_text(value)
    if column.kind == "org" and text:
        return orgs.find(text, column.system or "")
    return text
