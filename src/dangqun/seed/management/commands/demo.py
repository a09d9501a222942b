"""``dangqun demo``: migrate, collect static files, seed the demo enterprise once, then serve."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangqun.core.management.commands.serve import run_server
from dangqun.people.models import Person
from dangqun.seed.accounts import demo_account_lines
from dangqun.seed.generator import seed

DEMO_WORKERS = 2


class Command(BaseCommand):
    help = "启动演示平台：迁移数据库、收集静态文件、首次运行时生成演示企业，然后启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--seed", type=int, default=1, help="演示数据的随机种子（默认 1）")
        parser.add_argument(
            "--no-serve", action="store_true", help="只准备数据库与演示数据，不启动服务"
        )

    def handle(self, *args, **options):
        write = self.stdout.write
        write("正在准备数据库…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if Person.objects.exists():
            write("数据库中已有人员数据，跳过生成演示企业。")
        else:
            write("首次运行：正在生成演示企业（约 2,000 名员工）…")
            result = seed("small", options["seed"])
            counts = result.counts
            write(
                f"已生成：组织 {counts['组织']} 个，人员 {counts['人员']} 人，"
                f"在册党员 {counts['在册党员']} 名（用时 {result.seconds:.1f} 秒）。"
            )
        url = f"http://{options['host']}:{options['port']}/"
        write(self.style.SUCCESS(f"演示平台地址：{url}"))
        lines = demo_account_lines()
        if lines:
            write("演示账号（用户名 / 密码 / 角色与范围）：")
            for line in lines:
                write(line)
        if options["no_serve"]:
            return
        write("按 Ctrl-C 停止。")
        self.stdout.flush()
        # The demo serves static files through whitenoise's finders, without a manifest.
        os.environ.pop("DANGQUN_MANIFEST_STATIC", None)
        os.environ["DANGQUN_DATA_DIR"] = str(settings.DATA_DIR)
        raise SystemExit(run_server(options["host"], options["port"], DEMO_WORKERS, manifest=False))
