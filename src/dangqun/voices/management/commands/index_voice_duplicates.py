"""``dangqun index_voice_duplicates [--batch 5000]``: (re)build the near-duplicate index.

The platform indexes each voice after it is submitted and the importer indexes what it writes;
run this once after upgrading (voices from before the index), after loading voices around the
platform (the large seed, SQL by hand) or when the index's parameters change (decision 0022).
Each batch replaces its voices' rows in one transaction, so it can be stopped and run again.
"""

import time

from django.core.management.base import BaseCommand

from dangqun.voices import duplicates


class Command(BaseCommand):
    help = "为全部群众呼声（重新）建立重复检测索引，分批进行，可中断后重跑。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="每批呼声数（默认 5000）")

    def handle(self, *args, batch, **options):
        began = time.perf_counter()

        def progress(done: int) -> None:
            self.stdout.write(f"已索引 {done:,} 条", ending="\r")

        done = duplicates.rebuild(batch=batch, progress=progress)
        seconds = time.perf_counter() - began
        self.stdout.write(
            self.style.SUCCESS(f"重复检测索引已建立：{done:,} 条呼声，用时 {seconds:.0f} 秒")
        )
