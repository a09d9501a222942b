"""Import past voices from an xlsx or csv file: what a unit handled before the platform, with its
category, units and outcome, so that 三率 and the trend start from real history.

All or nothing: every row is checked first and any problem is reported by row and column, in
Chinese, with nothing saved. Importing the same file again adds nothing twice (each row's 编号 is
kept as the voice's external id). A row with an answer is imported as 已办结; one without is
imported as 待受理 and handled here from then on.
"""

from __future__ import annotations

import datetime
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from django.db import transaction
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit, bulk
from dangqun.orgs.models import Org, System
from dangqun.people.imports.read import ImportFileError, read_table
from dangqun.people.models import Person
from dangqun.voices import intake, services, tally
from dangqun.voices.models import (
    Category,
    Channel,
    Identity,
    Kind,
    Rating,
    Status,
    Voice,
    VoiceEvent,
)

MAX_ROWS = 20_000
MAX_ERRORS = 200
EXTERNAL_PREFIX = "import:"
# Header → (key, required). Headers are matched after removing spaces and a trailing "*".
COLUMNS = {
    "编号": ("number", True),
    "提交时间": ("submitted_at", True),
    "类型": ("kind", False),
    "渠道": ("channel", False),
    "身份方式": ("identity", False),
    "反映人工号": ("employee_no", False),
    "标题": ("title", True),
    "内容": ("content", True),
    "反映单位": ("unit", True),
    "类别": ("category", False),
    "承办单位": ("handling_org", False),
    "答复": ("answer", False),
    "答复时间": ("answered_at", False),
    "是否解决": ("solved", False),
    "评价": ("rating", False),
    "评价时间": ("rated_at", False),
}
KINDS = {k.label: k.value for k in Kind if k != Kind.PROPOSAL} | {
    "意见": "suggestion",
    "建议": "suggestion",
}
CHANNELS = {c.label: c.value for c in Channel} | {"网站": "web", "二维码": "qr", "邮件": "email"}
IDENTITIES = {i.label: i.value for i in Identity}
RATINGS = {r.label: r.value for r in Rating}
YES = {"是": True, "已解决": True, "否": False, "未解决": False}


@dataclass
class Result:
    created: int = 0
    skipped: int = 0  # already imported (same 编号)
    errors: list[str] = field(default_factory=list)


def import_upload(actor, upload) -> Result:
    """An uploaded file (a page's or the API's), kept on disk only while it is read."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return import_file(actor, path, upload.name)


def import_file(actor, path: Path, file_name: str) -> Result:
    try:
        table = read_table(path, file_name)
    except ImportFileError as exc:
        return Result(errors=[str(exc)])
    header = [str(h or "").replace(" ", "").rstrip("*") for h in table.header]
    missing = [name for name, (_, required) in COLUMNS.items() if required and name not in header]
    if missing:
        return Result(errors=[f"第 {table.header_row} 行缺少列：{'、'.join(missing)}"])
    if len(table.rows) > MAX_ROWS:
        return Result(errors=[f"一次最多导入 {MAX_ROWS} 行（本文件 {len(table.rows)} 行），请拆分"])
    index = {COLUMNS[name][0]: i for i, name in enumerate(header) if name in COLUMNS}
    rows = [(n, {key: _cell(values, i) for key, i in index.items()}) for n, values in table.rows]
    return _import_rows(actor, rows)


def _cell(values: list, i: int):
    value = values[i] if i < len(values) else None
    return value.strip() if isinstance(value, str) else value


def template_workbook() -> bytes:
    """An empty xlsx with the headers (required ones marked *) and one example row."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("呼声")
    bold = book.add_format({"bold": True})
    example = [
        "2024-0001",
        "2024-03-01 09:30",
        "诉求/求助",
        "意见箱",
        "匿名",
        "",
        "食堂排队时间长",
        "午餐排队超过 20 分钟",
        "（反映单位名称）",
        "食堂",
        "（承办单位名称）",
        "已增设两个窗口",
        "2024-03-05 16:00",
        "是",
        "满意",
        "2024-03-06 10:00",
    ]
    for col, (name, (_, required)) in enumerate(COLUMNS.items()):
        sheet.write(0, col, f"{name}*" if required else name, bold)
        sheet.write(1, col, example[col])
        sheet.set_column(col, col, 16)
    book.close()
    return out.getvalue()


def _import_rows(actor, rows: list[tuple[int, dict]]) -> Result:
    scope = Scope.of(actor)
    require(scope.has(MANAGE_VOICES), "您无权导入群众呼声")
    lookup = _Lookup(rows)
    result, voices, steps = Result(), [], []
    seen: set[str] = set()
    for number, row in rows:
        errors = []
        voice, events = _voice(row, lookup, scope, errors)
        external = f"{EXTERNAL_PREFIX}{row.get('number')}"
        if external in seen:
            errors.append(f"编号 {row.get('number')} 在文件中重复")
        seen.add(external)
        if errors:
            result.errors.extend(f"第 {number} 行：{e}" for e in errors)
            if len(result.errors) >= MAX_ERRORS:
                result.errors.append(f"错误超过 {MAX_ERRORS} 条，未继续检查")
                return result
            continue
        if external in lookup.done:
            result.skipped += 1
            continue
        voice.external_id = external
        voices.append(voice)
        steps.append(events)
    if result.errors:
        return result
    with transaction.atomic():
        bulk.insert_rows(Voice, voices)
        bulk.insert_rows(
            VoiceEvent,
            [
                VoiceEvent(voice=v, **e)
                for v, events in zip(voices, steps, strict=True)
                for e in events
            ],
        )
        # Rows went in around Voice.save: count the months they fall in again.
        tally.rebuild({tally.month_of(v.submitted_at) for v in voices})
        audit.record(
            actor,
            "voice.import",
            object_type="voices.voice",
            object_repr=f"导入历史呼声 {len(voices)} 条",
            after={"created": len(voices), "skipped": result.skipped},
        )
    result.created = len(voices)
    return result


class _Lookup:
    """Everything the rows refer to, read once: units by name, categories, people, done ids."""

    def __init__(self, rows):
        names = {r.get(k) for _, r in rows for k in ("unit", "handling_org") if r.get(k)}
        self.orgs: dict[str, list[Org]] = {}
        for org in Org.objects.filter(system=System.ENTERPRISE, name__in=names):
            self.orgs.setdefault(org.name, []).append(org)
        self.categories = {str(c): c for c in Category.objects.select_related("parent")}
        self.categories.update({c.name: c for c in self.categories.values() if c.parent_id is None})
        numbers = {str(r["employee_no"]) for _, r in rows if r.get("employee_no")}
        self.people = {p.employee_no: p for p in Person.objects.filter(employee_no__in=numbers)}
        externals = [f"{EXTERNAL_PREFIX}{r.get('number')}" for _, r in rows]
        self.done = set(
            Voice.objects.filter(external_id__in=externals).values_list("external_id", flat=True)
        )

    def org(self, name, what: str, errors: list) -> Org | None:
        found = self.orgs.get(name or "", [])
        if len(found) == 1:
            return found[0]
        errors.append(f"{what}“{name}”{'有多个同名单位' if found else '不存在'}")
        return None


def _voice(row: dict, lookup: _Lookup, scope: Scope, errors: list):
    for key, (name, required) in ((COLUMNS[n][0], (n, r)) for n, (_, r) in COLUMNS.items()):
        if required and row.get(key) in (None, ""):
            errors.append(f"请填写{name}")
    if errors:
        return None, []
    text = intake.check_text({"title": str(row["title"]), "content": str(row["content"])})
    errors.extend(text.values())
    submitted = _moment(row.get("submitted_at"), "提交时间", errors)
    kind = _choice(row.get("kind"), KINDS, "类型", errors) or Kind.SUGGESTION
    channel = _choice(row.get("channel"), CHANNELS, "渠道", errors) or Channel.IMPORT
    identity = _choice(row.get("identity"), IDENTITIES, "身份方式", errors) or Identity.ANONYMOUS
    unit = lookup.org(row["unit"], "反映单位", errors)
    handling = (
        lookup.org(row["handling_org"], "承办单位", errors) if row.get("handling_org") else None
    )
    for org in (unit, handling):
        if org is not None and not scope.can(MANAGE_VOICES, org):
            errors.append(f"您无权导入“{org.name}”的呼声")
    category = None
    if row.get("category"):
        category = lookup.categories.get(str(row["category"]).replace(" ", ""))
        if category is None:
            errors.append(f"类别“{row['category']}”不存在（写“一级类别/二级类别”或一级类别名）")
    person = None
    if row.get("employee_no") and identity != Identity.ANONYMOUS:
        person = lookup.people.get(str(row["employee_no"]))
        if person is None:
            errors.append(f"反映人工号 {row['employee_no']} 不在人员名册中")
    voice = Voice(
        kind=kind,
        channel=channel,
        identity=identity,
        title=str(row["title"]),
        content=str(row["content"]),
        category=category,
        urgency=category.urgency if category else "normal",
        unit=unit,
        handling_org=handling or (category.handling_org if category else None),
        person=person,
        contact_name=person.name if person else "",
        submitted_at=submitted,
        query_code_hash=services.code_hash(services.new_query_code()),
    )
    events = [
        {
            "action": "submit",
            "actor_label": services.SUBMITTER,
            "at": submitted,
            "note": f"导入：{Channel(channel).label}",
        }
    ]
    if row.get("answer"):
        _outcome(voice, row, events, errors)
    else:  # still to be handled: the admins 受理 it here
        voice.handling_org = None
    if voice.handling_org is None and voice.status != Status.SUBMITTED:
        errors.append("已答复的呼声请填写承办单位或类别")
    return voice, events


def _outcome(voice: Voice, row: dict, events: list, errors: list) -> None:
    answered = _moment(row.get("answered_at"), "答复时间", errors, required=True)
    solved = YES.get(str(row.get("solved") or "").strip()) if row.get("solved") else None
    if row.get("solved") and solved is None:
        errors.append("是否解决请填写“是”或“否”")
    rating = _choice(row.get("rating"), RATINGS, "评价", errors)
    rated = _moment(row.get("rated_at"), "评价时间", errors) if rating else None
    if answered and voice.submitted_at and answered < voice.submitted_at:
        errors.append("答复时间早于提交时间")
    voice.status, voice.answer, voice.solved = Status.CLOSED, str(row["answer"]), solved
    voice.answered_at, voice.rating = answered, rating or ""
    voice.rated_at = rated or (answered if rating else None)
    voice.closed_at = voice.rated_at or answered
    org = voice.handling_org
    events.append(
        {
            "action": "answer",
            "actor_label": org.name if org else "",
            "org": org,
            "at": answered,
            "note": voice.answer,
        }
    )
    if rating:
        events.append(
            {
                "action": "rate",
                "actor_label": services.SUBMITTER,
                "at": voice.rated_at,
                "note": Rating(rating).label,
            }
        )


def _choice(value, options: dict, name: str, errors: list):
    if value in (None, ""):
        return None
    found = options.get(str(value).strip())
    if found is None:
        errors.append(f"{name}“{value}”不正确，应为：{'、'.join(options)}")
    return found


def _moment(value, name: str, errors: list, required: bool = False):
    if value in (None, ""):
        if required:
            errors.append(f"请填写{name}")
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(9))
    else:
        text = str(value).strip().replace("/", "-")
        for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                moment = datetime.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            errors.append(f"{name}“{value}”不是日期，请写成 2025-03-01 或 2025-03-01 14:30")
            return None
    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    if moment > timezone.now():
        errors.append(f"{name}晚于现在")
    return moment
