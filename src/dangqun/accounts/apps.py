from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangqun.accounts"
    verbose_name = "账号与授权"
