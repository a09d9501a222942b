"""``dangqun rebuild_voice_tallies [--month 2025-03 ...]``: recompute the monthly tallies of 三率.

Needed only after voices were changed around the platform (SQL by hand, a restored table); the
platform keeps the tallies current itself and checks them every night. Prints the months whose
tallies were wrong and have been corrected.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dangqun.voices import tally


class Command(BaseCommand):
    help = "按群众呼声重算三率的月度统计，更正与呼声不符的月份（默认全部月份）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--month", action="append", default=[], help="只重算该月，如 2025-03（可重复）"
        )

    def handle(self, *args, **options):
        try:
            months = [dt.date.fromisoformat(f"{m}-01") for m in options["month"]] or None
        except ValueError as exc:
            raise CommandError("月份格式不正确，应如 2025-03") from exc
        fixed = tally.rebuild(months)
        if fixed:
            listed = "、".join(f"{m:%Y-%m}" for m in fixed)
            self.stdout.write(f"已更正 {len(fixed)} 个月的统计：{listed}")
        else:
            self.stdout.write("各月统计与呼声一致，无需更正")
