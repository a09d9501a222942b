"""``dangqun train_voice_model [--folds 5] [--limit N]``: learn the category suggestion for 群众呼声.

Learns from ``classifier.training_voices()``: voices whose category an admin confirmed (assigned
and later, active categories only), prints the cross-validated scores and saves the model into the
data directory, replacing the previous one (running web and task workers read it again on their
next suggestion). Safe to run from cron.
Exit status: non-zero when fewer than two categories have enough examples (nothing is saved).
"""

from django.core.management.base import BaseCommand, CommandError

from dangqun.voices import classifier


class Command(BaseCommand):
    help = (
        "用类别已经管理员确认的群众呼声训练“类别推荐”模型：分层 K 折交叉验证后用全部数据训练，"
        "保存到数据目录。样本少于折数的类别不参与训练。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--folds", type=int, default=5, help="交叉验证折数（至少 2，默认 5）")
        parser.add_argument(
            "--limit", type=int, default=None, help="只用最新的 N 条呼声（默认全部）"
        )

    def handle(self, *args, **options):
        folds, limit = options["folds"], options["limit"]
        if folds < 2:
            raise CommandError("折数至少为 2")
        if limit is not None and limit < 1:
            raise CommandError("--limit 须为正整数")
        self.stdout.write("正在训练类别推荐模型……")
        try:
            report = classifier.train(folds=folds, limit=limit)
        except classifier.NotEnoughData as exc:
            raise CommandError(f"{exc}模型未保存。") from exc
        skipped = "、".join(f"{name}（{n} 条）" for name, n in report.skipped.items()) or "无"
        self.stdout.write(f"样本数：{report.samples}")
        self.stdout.write(f"类别数：{report.categories}")
        self.stdout.write(f"交叉验证准确率：{report.accuracy:.1%}（{folds} 折）")
        self.stdout.write(f"宏平均F1：{report.macro_f1:.3f}")
        self.stdout.write(f"前 3 个建议含正确类别：{report.top3:.1%}")
        self.stdout.write(f"正则化系数（交叉验证选定）：{report.alpha:g}")
        self.stdout.write(f"跳过的类别（样本少于 {folds} 条）：{skipped}")
        self.stdout.write(f"用时：{report.seconds:.1f} 秒")
        self.stdout.write(self.style.SUCCESS(f"模型已保存：{classifier.model_path()}"))
