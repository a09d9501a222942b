"""The months 三率 are counted over: whole calendar months and a grouping, read from a query (the
page's ``start``/``end``, the API's ``from``/``to``) and checked. The page shows this month with
the reason when a period is refused; the API answers 400 with the reason. Hot topics read the same
months or any range of days (``since``/``until``) as a ``Window``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlencode

from django.utils import timezone

from dangqun.core.dates import add_months
from dangqun.voices.metrics import GROUP_LABELS, GROUPS

DEFAULT_BY = "handling_org"
FIRST_YEAR = 1990  # earlier (or absurd) dates are refused rather than sent to the database
MAX_PERIOD_MONTHS = 36
THIS_MONTH_SHOWN = "已显示本月的统计"


class PeriodError(ValueError):
    """A refused period: ``message`` says why (Chinese); ``joiner`` links it to the page's note."""

    def __init__(self, message: str, joiner: str = "，"):
        super().__init__(message)
        self.message = message
        self.joiner = joiner

    @property
    def page_message(self) -> str:
        return f"{self.message}{self.joiner}{THIS_MONTH_SHOWN}"


@dataclasses.dataclass(frozen=True)
class Period:
    """Whole calendar months, as 三率 are reported: ``start`` and ``end`` are the first days of the
    first and the last month (inclusive)."""

    start: dt.date
    end: dt.date
    by: str
    error: str = ""

    @property
    def end_exclusive(self) -> dt.date:
        return add_months(self.end, 1)

    @property
    def by_label(self) -> str:
        return GROUP_LABELS[self.by]

    @property
    def label(self) -> str:
        first = f"{self.start.year}年{self.start.month}月"
        last = f"{self.end.year}年{self.end.month}月"
        return first if first == last else f"{first} 至 {last}"

    def query(self) -> str:
        return urlencode(
            {"start": f"{self.start:%Y-%m}", "end": f"{self.end:%Y-%m}", "by": self.by}
        )


def this_month(by: str = DEFAULT_BY) -> Period:
    month = timezone.localdate().replace(day=1)
    return Period(month, month, by)


def parse_period(raw_start: str, raw_end: str, by: str) -> Period:
    """The months from ``raw_start`` to ``raw_end`` (each 2025-03, or a full date standing for its
    month; a missing one is this month) grouped ``by``; PeriodError when they cannot be counted."""
    if by not in GROUPS:
        raise PeriodError("分组方式应为 " + "、".join(GROUPS) + " 之一")
    default = this_month(by)
    raw_start, raw_end = raw_start.strip(), raw_end.strip()
    if not raw_start and not raw_end:
        return default
    try:
        start = month_of(raw_start) if raw_start else default.start
        end = month_of(raw_end) if raw_end else default.end
    except ValueError as exc:
        raise PeriodError("月份格式不正确（应如 2025-03）") from exc
    if start.year < FIRST_YEAR or end.year > default.start.year + 1:
        raise PeriodError("月份超出可统计的范围")
    if start > end:
        raise PeriodError("开始月份不能晚于结束月份")
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_PERIOD_MONTHS:
        raise PeriodError("统计区间不能超过 36 个月，请缩短区间", joiner="；")
    return Period(start, end, by)


def read_period(params) -> Period:
    """The page's period (``start``, ``end``, ``by`` of a query): an unknown grouping is the
    default one, and a refused period is this month with the reason in ``error``."""
    by = params.get("by") or DEFAULT_BY
    by = by if by in GROUPS else DEFAULT_BY
    try:
        return parse_period(params.get("start", ""), params.get("end", ""), by)
    except PeriodError as exc:
        return dataclasses.replace(this_month(by), error=exc.page_message)


def month_of(text: str) -> dt.date:
    """The first day of the month ``text`` names (2025-03 or 2025-03-15); ValueError otherwise."""
    if len(text) == 7:
        text += "-01"
    return dt.date.fromisoformat(text).replace(day=1)


@dataclasses.dataclass(frozen=True)
class Window:
    """Days from ``start`` up to ``end`` (excluded), local dates, with their Chinese name."""

    start: dt.date
    end: dt.date
    label: str

    @property
    def months(self) -> int | None:
        """The number of whole calendar months it is, or None."""
        if self.start.day != 1 or self.end.day != 1:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Window:
        """The period of equal length just before: as many whole months, or as many days."""
        months = self.months
        start = add_months(self.start, -months) if months else self.start - (self.end - self.start)
        return Window(start, self.start, days_label(start, self.start))


def days_label(start: dt.date, end: dt.date) -> str:
    last = end - dt.timedelta(days=1)
    if start.day == 1 and end.day == 1:
        first_month = f"{start.year}年{start.month}月"
        last_month = f"{last.year}年{last.month}月"
        return first_month if first_month == last_month else f"{first_month} 至 {last_month}"
    return f"{start:%Y-%m-%d} 至 {last:%Y-%m-%d}"


def window_of(period: Period) -> Window:
    return Window(period.start, period.end_exclusive, period.label)


def parse_days(raw_since: str, raw_until: str) -> Window:
    """The days from ``raw_since`` to ``raw_until`` (ISO dates, both included; a missing end is
    today), at most ``MAX_PERIOD_MONTHS`` months; PeriodError when they cannot be read."""
    today = timezone.localdate()
    try:
        since = dt.date.fromisoformat(raw_since.strip())
        until = dt.date.fromisoformat(raw_until.strip()) if raw_until.strip() else today
    except ValueError as exc:
        raise PeriodError("日期格式不正确（应如 2025-03-15）") from exc
    if since.year < FIRST_YEAR or until.year > today.year + 1:
        raise PeriodError("日期超出可统计的范围")
    if since > until:
        raise PeriodError("开始日期不能晚于结束日期")
    end = until + dt.timedelta(days=1)
    if end > add_months(since, MAX_PERIOD_MONTHS):
        raise PeriodError("统计区间不能超过 36 个月，请缩短区间", joiner="；")
    return Window(since, end, days_label(since, end))


def read_window(params, start_key: str = "start", end_key: str = "end") -> Window:
    """Hot topics' period from a query: ``since``/``until`` days when ``since`` is given,
    otherwise whole months (``start_key``/``end_key``, as 三率); PeriodError when refused."""
    if params.get("since", "").strip():
        return parse_days(params.get("since", ""), params.get("until", ""))
    period = parse_period(params.get(start_key, ""), params.get(end_key, ""), DEFAULT_BY)
    return window_of(period)
