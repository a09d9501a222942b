"""What every stored monthly tally (三率's ``VoiceTally``, 组织生活's ``MeetingTally``) shares: the
nightly check that recounts recent months, the command that recounts them by hand, and the hooks
through which a change in one app recounts another's tallies. Each tally module supplies
``rebuild(months | None) -> [months corrected]``.

Hooks: an app registers ``on_orgs_moved(hook)`` in its ``AppConfig.ready``; ``orgs`` calls
``orgs_moved(orgs)`` after a sub-tree moved into another enterprise, without knowing who counts."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet
from django.utils import timezone

from dangqun.core.dates import add_months

Rebuild = Callable[[list[dt.date] | None], list[dt.date]]
OrgsMovedHook = Callable[[QuerySet], object]

_orgs_moved_hooks: list[OrgsMovedHook] = []


def on_orgs_moved(hook: OrgsMovedHook) -> OrgsMovedHook:
    """Register ``hook(orgs)``: recount what belongs to ``orgs`` after they moved into another
    enterprise. Registering the same hook twice keeps one."""
    if hook not in _orgs_moved_hooks:
        _orgs_moved_hooks.append(hook)
    return hook


def orgs_moved(orgs: QuerySet) -> None:
    """Organisations moved into another enterprise: every registered tally recounts their months."""
    for hook in _orgs_moved_hooks:
        hook(orgs)


def nightly_check(rebuild: Rebuild, what: str) -> list[str]:
    """Recount the last 13 months (every month on Sundays) and log the months that were wrong."""
    today = timezone.localdate().replace(day=1)
    months = None  # every month
    if timezone.localdate().weekday() != 6:
        months = [add_months(today, -n) for n in range(13)]
    fixed = [f"{month:%Y-%m}" for month in rebuild(months)]
    if fixed:
        logging.getLogger(__name__).warning("%s与记录不符，已更正：%s", what, fixed)
    return fixed


class RebuildCommand(BaseCommand):
    """``--month 2025-03`` (repeatable) or every month; prints what was corrected."""

    what = ""  # e.g. 三率的月度统计

    def rebuild(self, months):  # pragma: no cover - every subclass has one
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument(
            "--month", action="append", default=[], help="只重算该月，如 2025-03（可重复）"
        )

    def handle(self, *args, **options):
        try:
            months = [dt.date.fromisoformat(f"{m}-01") for m in options["month"]] or None
        except ValueError as exc:
            raise CommandError("月份格式不正确，应如 2025-03") from exc
        fixed = self.rebuild(months)
        if fixed:
            listed = "、".join(f"{m:%Y-%m}" for m in fixed)
            self.stdout.write(f"已更正 {len(fixed)} 个月的{self.what}：{listed}")
        else:
            self.stdout.write(f"各月{self.what}与记录一致，无需更正")
