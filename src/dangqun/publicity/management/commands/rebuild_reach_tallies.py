"""Recount the reach tallies of every published or withdrawn item (or ``--item ID``, repeatable)
from the audiences, receipts and quiz results — what the nightly task does (decision 0039)."""

from django.core.management.base import BaseCommand, CommandError

from dangqun.publicity import tally
from dangqun.publicity.models import Item, ItemStatus


class Command(BaseCommand):
    help = "重新统计政策宣传的阅读情况（送达、打开、确认、测验）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--item", action="append", default=[], help="只重算该条内容（编号，可重复）"
        )

    def handle(self, *args, **options):
        rows = Item.objects.exclude(status=ItemStatus.DRAFT)
        if options["item"]:
            if not all(value.isdigit() for value in options["item"]):
                raise CommandError("内容编号应为数字")
            rows = rows.filter(pk__in=[int(value) for value in options["item"]])
        count = rows.count()
        drifted = tally.rebuild(rows)
        if drifted:
            self.stdout.write(
                f"已重新统计 {count} 条内容的阅读情况，{len(drifted)} 条与记录不符，已更正"
            )
        else:
            self.stdout.write(f"已重新统计 {count} 条内容的阅读情况，与记录一致")
