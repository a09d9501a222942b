"""``dangqun seed --scale small|large --seed N``: generate a deterministic enterprise."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from dangqun.seed.accounts import demo_account_lines
from dangqun.seed.generator import SeedRefused, seed
from dangqun.seed.plan import SCALES


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = (
        "生成演示或压测数据：small 为演示企业（约 2,000 名员工、700 名党员），"
        "large 为 30 万员工、10 万党员、5,000 个党支部。"
        "同一 --seed 与同一基准日（--today，默认今天）生成完全相同的数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small", help="数据规模")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument(
            "--today", type=_date, default=None, help="基准日 YYYY-MM-DD（默认今天）"
        )

    def handle(self, *args, **options):
        write = self.stdout.write
        write(f"开始生成 {options['scale']} 规模数据（seed={options['seed']}）…")
        try:
            result = seed(
                options["scale"],
                options["seed"],
                today=options["today"],
                progress=lambda message: write(f"  {message}"),
            )
        except SeedRefused as exc:
            raise CommandError(str(exc)) from None
        write(self.style.SUCCESS(f"生成完成，用时 {result.seconds:.1f} 秒："))
        for label, count in result.counts.items():
            write(f"  {label}：{count:,}")
        for note in result.notes:
            write(self.style.WARNING(f"  {note}"))
        lines = demo_account_lines() if result.plan.scale.demo_accounts else []
        if lines:
            write("演示账号（用户名 / 密码 / 角色）：")
            for line in lines:
                write(line)
