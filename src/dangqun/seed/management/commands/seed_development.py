"""``dangqun seed_development --cases 20000``: add 发展党员 cases in all stages to an already
seeded enterprise."""

from django.core.management.base import BaseCommand, CommandError

from dangqun.orgs.models import Org, System
from dangqun.seed.bulk_development import seed_bulk_development


class Command(BaseCommand):
    help = "为已生成的党组织补充发展党员压测数据（各阶段，默认 20000 件；不更新人员的党员信息）。"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=20000, help="件数（默认 20000）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")

    def handle(self, *args, **options):
        root = Org.objects.filter(system=System.PARTY, depth=1).order_by("path").first()
        if root is None:
            raise CommandError("还没有党组织，请先运行 dangqun seed")
        if options["cases"] <= 0:
            raise CommandError("件数应大于 0")
        made = seed_bulk_development(
            root,
            cases=options["cases"],
            seed=options["seed"],
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        if made < options["cases"]:
            self.stdout.write(self.style.WARNING(f"符合条件的申请人不足，只生成了 {made:,} 件"))
        self.stdout.write(self.style.SUCCESS(f"已生成发展党员 {made:,} 件"))
