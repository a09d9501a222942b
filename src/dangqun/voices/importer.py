"""Checking the rows of an import of past voices, as the data comes from an older system, a
hotline or a suggestion box: every row becomes a voice ready to write, or the reasons (by column,
in Chinese) why it cannot.

- A row with an answer is imported as 已办结 and counts in 三率 from its month on.
- A row without one is history (``Status.HISTORY``, decision 0020): it teaches the category model
  and feeds duplicates and hot topics, never 三率, deadlines or an inbox; or, if the importer
  chose so, 待受理 to be handled here.
- A missing title is made from the content's first sentence (``title_derived``).
- Each row's identity is its 编号, or without one a hash of its time, unit and content: the same
  file imported twice adds nothing (``external_id``).
- Category and unit names found nowhere are collected once with the rows using them, so that the
  importer maps each to an existing record (``mapping``) instead of fixing the file.

The job around it (upload, progress, error file, writing in chunks) is ``import_run``.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from django.utils import timezone

from dangqun.accounts.scope import Scope
from dangqun.orgs.models import Org
from dangqun.voices import intake, services
from dangqun.voices.import_lookup import Lookup
from dangqun.voices.models import Channel, Identity, Kind, Rating, Status

EXTERNAL_PREFIX = "import:"
PROGRESS_EVERY = 5000
TITLE_CHARS = 30  # a derived title: the first sentence, cut here
# Header → (key, required). Headers are matched after removing spaces and a trailing "*".
COLUMNS = {
    "编号": ("number", False),
    "提交时间": ("submitted_at", True),
    "类型": ("kind", False),
    "渠道": ("channel", False),
    "身份方式": ("identity", False),
    "反映人工号": ("employee_no", False),
    "标题": ("title", False),
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
LABELS = {key: name for name, (key, _) in COLUMNS.items()}
REQUIRED = [(key, name) for name, (key, required) in COLUMNS.items() if required]
KINDS = {k.label: k.value for k in Kind if k != Kind.PROPOSAL} | {
    "意见": "suggestion",
    "建议": "suggestion",
}
CHANNELS = {c.label: c.value for c in Channel} | {"网站": "web", "二维码": "qr", "邮件": "email"}
IDENTITIES = {i.label: i.value for i in Identity}
RATINGS = {r.label: r.value for r in Rating}
YES = {"是": True, "已解决": True, "否": False, "未解决": False}
SENTENCE_END = re.compile(r"[。！？!?；;\n\r]+")
GREETING = re.compile(r"^(尊敬的[^，,：:]{0,15})?[，,：:\s]*(您好|你们好|你好|领导好)?[，,：:\s]*$")


@dataclass
class Row:
    """One data row: its Excel row number and cells as read, then the voice to write (with its
    events) or the errors as (column, message) — the shape ``people.imports.sheets`` writes."""

    number: int
    cells: list
    errors: list[tuple[str, str]] = field(default_factory=list)
    voice: dict | None = None  # the columns of the voice to write
    events: list[dict] = field(default_factory=list)
    paths: dict = field(default_factory=dict)  # the units' tree paths, for the 三率 tallies
    done: bool = False  # imported before: nothing to write


@dataclass
class Checked:
    rows: list[Row]
    # kind ("category" / "unit") → name → row numbers, for names matched nowhere and not mapped
    unknown: dict[str, dict[str, list[int]]]


def header_keys(header: list) -> tuple[dict[str, int], list[str]]:
    """Column key → index, and the names of required columns missing from ``header``."""
    names = [str(h or "").replace(" ", "").rstrip("*") for h in header]
    missing = [name for name, (_, required) in COLUMNS.items() if required and name not in names]
    return {COLUMNS[n][0]: i for i, n in enumerate(names) if n in COLUMNS}, missing


def derive_title(content: str) -> str:
    """A title from the content: its first sentence that is not a greeting, cut at
    ``TITLE_CHARS``."""
    for sentence in SENTENCE_END.split(content):
        sentence = sentence.strip()
        if sentence and not GREETING.match(sentence):
            break
    else:
        sentence = " ".join(content.split())
    sentence = sentence.strip("，,：: ")
    return sentence if len(sentence) <= TITLE_CHARS else sentence[: TITLE_CHARS - 1] + "…"


def external_id(row: dict, submitted: datetime.datetime | None) -> str:
    number = row.get("number")
    if isinstance(number, float) and number.is_integer():
        number = int(number)  # a 编号 typed as a number in Excel comes back as 2024001.0
    if number not in (None, ""):
        return f"{EXTERNAL_PREFIX}{number}"
    moment = submitted.isoformat() if submitted else ""
    text = f"{moment}|{row.get('unit') or ''}|{row.get('content') or ''}"
    return f"{EXTERNAL_PREFIX}sha256:{hashlib.sha256(text.encode()).hexdigest()}"


def check_rows(actor, table_rows, index, *, mapping: dict, history: bool, on_progress=None):
    """Every row of the table checked (``Checked``); nothing is written. ``on_progress(n)`` is
    told every ``PROGRESS_EVERY`` rows."""
    raw = [(n, cells, _values(cells, index)) for n, cells in table_rows]
    lookup = Lookup(Scope.of(actor), [values for _, _, values in raw], mapping)
    rows, seen = [], {}
    for checked, (number, cells, values) in enumerate(raw):
        if on_progress and checked and checked % PROGRESS_EVERY == 0:
            on_progress(checked)
        row = Row(number, cells)
        _voice(row, values, lookup, history)
        if row.voice is not None:
            external = external_id(values, row.voice["submitted_at"])
            if external in seen:
                what = "编号" if values.get("number") not in (None, "") else "内容与提交时间"
                row.errors.append((LABELS["number"], f"{what}与第 {seen[external]} 行重复"))
            seen.setdefault(external, number)
            row.voice["external_id"] = external
        rows.append(row)
    done = lookup.imported([r.voice["external_id"] for r in rows if r.voice and not r.errors])
    for row in rows:
        row.done = bool(row.voice and not row.errors and row.voice["external_id"] in done)
    return Checked(rows, lookup.unknown)


def _values(cells: list, index: dict[str, int]) -> dict:
    """The row's cells by column key (text stripped; missing and empty cells left out)."""
    values, width = {}, len(cells)
    for key, i in index.items():
        value = cells[i] if i < width else None
        if isinstance(value, str):
            value = value.strip()
        if value is not None and value != "":
            values[key] = value
    return values


def _voice(row: Row, values: dict, lookup: Lookup, history: bool) -> None:
    errors = row.errors
    for key, name in REQUIRED:
        if key not in values:
            errors.append((name, f"请填写{name}"))
    if errors:
        return
    content = str(values["content"])
    title = str(values.get("title") or "").strip()
    derived = not title
    text = intake.check_text({"title": title or derive_title(content), "content": content})
    errors.extend((LABELS[key], message) for key, message in text.items())
    submitted = _moment(values.get("submitted_at"), "提交时间", errors)
    kind = _choice(values.get("kind"), KINDS, "类型", errors) or Kind.SUGGESTION.value
    channel = _choice(values.get("channel"), CHANNELS, "渠道", errors) or Channel.IMPORT.value
    identity = (
        _choice(values.get("identity"), IDENTITIES, "身份方式", errors) or Identity.ANONYMOUS.value
    )
    unit = lookup.org(values["unit"], "反映单位", row.number, row)
    handling = None
    if values.get("handling_org"):
        handling = lookup.org(values["handling_org"], "承办单位", row.number, row)
    category = None
    if values.get("category"):
        category = lookup.category(values["category"], row.number, row)
    person = None
    if values.get("employee_no") and identity != Identity.ANONYMOUS:
        person = lookup.people.get(str(values["employee_no"]))
        if person is None:
            errors.append(
                ("反映人工号", f"反映人工号 {values['employee_no']} 不在您可查看的人员名册中")
            )
    handling_org = handling
    if handling is None and category is not None and category.handling_org is not None:
        handling_org = category.handling_org
        if not lookup.may_manage(handling_org):
            errors.append(
                (
                    "承办单位",
                    f"类别“{category}”的默认承办单位“{handling_org.name}”不在您的管理范围，"
                    "请在“承办单位”列填写您管理范围内的单位",
                )
            )
    # The columns to write (``core.bulk.insert_dicts``; the others take their defaults).
    voice = {
        "kind": kind,
        "channel": channel,
        "identity": identity,
        "title": title or derive_title(content.strip()),
        "title_derived": derived,
        "content": content.strip(),
        "category_id": category.pk if category else None,
        "urgency": category.urgency if category else "normal",
        "unit_id": unit.pk if unit else None,
        "company_id": lookup.company_id(unit),
        "handling_org_id": handling_org.pk if handling_org else None,
        "person_id": person.pk if person else None,
        "contact_name": person.name if person else "",
        "submitted_at": submitted,
        "status": Status.SUBMITTED.value,
        # what 三率 reads (``tally.STATE``): nothing was responded to or timed here
        "responded_at": None,
        "response_due": None,
        "response_hours": None,
        "resolution_hours": None,
        "solved": None,
        "rating": "",
        # No one is ever given a code for an imported voice: a random value stands in its place.
        "query_code_hash": secrets.token_hex(32),
    }
    label = Channel(channel).label
    events = [
        {
            "action": "submit",
            "actor_label": services.SUBMITTER,
            "at": submitted,
            "note": f"导入：{label}",
        }
    ]
    if values.get("answer"):
        _outcome(voice, handling_org, values, events, errors)
        if handling_org is None:
            errors.append(("承办单位", "已答复的呼声请填写承办单位或类别"))
    elif history:  # handled before, nothing on file to answer: history only
        voice["status"], voice["closed_at"] = Status.HISTORY.value, submitted
    else:  # still to be handled: the admins 受理 it here
        voice["handling_org_id"] = None
    if not errors:
        row.voice, row.events = voice, events
        handler = handling_org if voice["handling_org_id"] else None
        row.paths = {"unit__path": unit.path, "handling_org__path": handler and handler.path}


def _outcome(voice: dict, org: Org | None, values: dict, events: list, errors: list) -> None:
    answered = _moment(values.get("answered_at"), "答复时间", errors, required=True)
    solved = YES.get(str(values.get("solved") or "").strip()) if values.get("solved") else None
    if values.get("solved") and solved is None:
        errors.append(("是否解决", "是否解决请填写“是”或“否”"))
    rating = _choice(values.get("rating"), RATINGS, "评价", errors)
    rated = _moment(values.get("rated_at"), "评价时间", errors) if rating else None
    if answered and voice["submitted_at"] and answered < voice["submitted_at"]:
        errors.append(("答复时间", "答复时间早于提交时间"))
    rated = rated or (answered if rating else None)
    voice |= {
        "status": Status.CLOSED.value,
        "answer": str(values["answer"]),
        "solved": solved,
        "answered_at": answered,
        "rating": rating or "",
        "rated_at": rated,
        "closed_at": rated or answered,
    }
    events.append(
        {
            "action": "answer",
            "actor_label": org.name[:50] if org else "",
            "org_id": org.pk if org else None,
            "at": answered,
            "note": voice["answer"],
        }
    )
    if rating:
        events.append(
            {
                "action": "rate",
                "actor_label": services.SUBMITTER,
                "at": rated,
                "note": Rating(rating).label,
            }
        )


def _choice(value, options: dict, name: str, errors: list):
    if value in (None, ""):
        return None
    found = options.get(str(value).strip())
    if found is None:
        errors.append((name, f"{name}“{value}”不正确，应为：{'、'.join(options)}"))
    return found


def _moment(value, name: str, errors: list, required: bool = False):
    if value in (None, ""):
        if required:
            errors.append((name, f"请填写{name}"))
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(9))
    else:
        moment = _parse(str(value).strip().replace("/", "-"))
        if moment is None:
            errors.append((name, f"{name}“{value}”不是日期，请写成 2025-03-01 或 2025-03-01 14:30"))
            return None
    if moment.tzinfo is None:  # zoneinfo resolves the fold by itself: no make_aware needed
        moment = moment.replace(tzinfo=timezone.get_current_timezone())
    if moment > timezone.now():
        errors.append((name, f"{name}晚于现在"))
    return moment


def _parse(text: str) -> datetime.datetime | None:
    if len(text) in (10, 16, 19) and text[4:5] == "-":  # the common case fast: 2025-03-01 14:30
        try:
            return datetime.datetime.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
