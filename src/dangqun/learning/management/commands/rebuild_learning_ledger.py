"""Recount the 学时 ledger of a year (or this year) from its sources, e.g. after changing the
rules ``life.study_hours`` or ``learning.requirement``; the nightly check does this year itself."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from dangqun.learning import ledger


class Command(BaseCommand):
    help = "按来源重算某年度的学时记录和应完成学时（默认今年）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="年度，可重复")

    def handle(self, *args, **options):
        for year in options["year"] or [timezone.localdate().year]:
            wrong = ledger.rebuild(year)
            self.stdout.write(f"{year} 年：更正学时记录 {wrong} 条")
