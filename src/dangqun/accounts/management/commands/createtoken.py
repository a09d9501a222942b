"""``dangqun createtoken USERNAME [--name NAME]``: print a new API token for a user, once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangqun.accounts.services import create_token


class Command(BaseCommand):
    help = "为用户生成一个新的 API 令牌并打印（只显示这一次；库中只保存其哈希）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="", help="令牌名称，便于日后识别和撤销")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在")
        if not user.is_active:
            raise CommandError(f"用户 {username} 已停用，不能生成令牌")
        token = create_token(None, user, name=name.strip())
        # The token alone on standard output, so that a script can capture it.
        self.stdout.write(token)
        self.stderr.write(
            "令牌只显示这一次，请妥善保存。调用 API 时使用请求头：Authorization: Token <令牌>"
        )
