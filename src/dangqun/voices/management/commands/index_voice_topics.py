"""``dangqun index_voice_topics``: segment the words of every voice that has none stored yet.

Hot topics store each voice's words once (``voices.topic_words``); a periodic task does it for new
voices and a topic stores those it reads that still have none. Run this once after importing years
of history, so the first hot topics of any period find every voice's words ready. Safe to repeat.
"""

import time

from django.core.management.base import BaseCommand

from dangqun.voices import topic_words


class Command(BaseCommand):
    help = (
        "为尚未分词的群众呼声分词并保存（热点话题使用）；导入历史呼声后运行一次即可，可重复运行。"
    )

    def handle(self, *args, **options):
        start = time.perf_counter()
        done = topic_words.fill_all()
        seconds = time.perf_counter() - start
        self.stdout.write(self.style.SUCCESS(f"已为 {done} 条呼声分词，用时 {seconds:.1f} 秒"))
