"""``dangqun seed_voices --count N``: add years of 群众呼声 to an already seeded enterprise."""

from django.core.management.base import BaseCommand, CommandError

from dangqun.orgs.models import Org, System
from dangqun.seed.bulk_voices import seed_bulk_voices


class Command(BaseCommand):
    help = "为已生成的企业补充群众呼声压测数据（默认 200 万条，分布在近 3 年）。"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2_000_000, help="条数（默认 200 万）")
        parser.add_argument("--years", type=int, default=3, help="分布在近几年（默认 3）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")

    def handle(self, *args, **options):
        root = Org.objects.filter(system=System.ENTERPRISE, depth=1).order_by("path").first()
        if root is None:
            raise CommandError("还没有企业组织，请先运行 dangqun seed")
        if options["count"] <= 0:
            raise CommandError("条数应大于 0")
        written = seed_bulk_voices(
            root,
            options["count"],
            seed=options["seed"],
            years=options["years"],
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(self.style.SUCCESS(f"已生成群众呼声 {written:,} 条"))
