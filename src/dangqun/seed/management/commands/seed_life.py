"""``dangqun seed_life --years 3``: add years of 组织生活 to an already seeded enterprise."""

from django.core.management.base import BaseCommand, CommandError

from dangqun.orgs.models import Org, System
from dangqun.seed.bulk_life import seed_bulk_life


class Command(BaseCommand):
    help = "为已生成的党组织补充组织生活压测数据（按规定周期，默认近 3 年）。"

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=3, help="年数（默认 3，含今年）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")

    def handle(self, *args, **options):
        root = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
        if root is None:
            raise CommandError("还没有党组织，请先运行 dangqun seed")
        if options["years"] <= 0:
            raise CommandError("年数应大于 0")
        meetings, rows = seed_bulk_life(
            root,
            seed=options["seed"],
            years=options["years"],
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(
            self.style.SUCCESS(f"已生成组织生活 {meetings:,} 次，参会记录 {rows:,} 条")
        )
