"""Bind an account to a 企业微信 / 钉钉 / OIDC identity by hand (the operator's path), or unbind it."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangqun.accounts.models import User
from dangqun.connect import services
from dangqun.connect.models import PROVIDERS, Binding


class Command(BaseCommand):
    help = "Bind an account to an enterprise identity (audited); --remove unbinds it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("provider", choices=[p for p, _ in PROVIDERS])
        parser.add_argument("external_id", nargs="?", default="")
        parser.add_argument("--remove", action="store_true")

    def handle(self, username, provider, external_id, remove, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username}")
        if remove:
            binding = Binding.objects.filter(user=user, provider=provider).first()
            if binding is None:
                raise CommandError("该账号没有这个来源的绑定")
            services.unbind(None, binding)
            self.stdout.write("已解除绑定")
            return
        if not external_id:
            raise CommandError("请给出对方用户标识")
        try:
            services.bind(None, user, provider, external_id)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write("已绑定")
