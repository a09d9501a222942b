from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "dangqun.voices"
    verbose_name = "群众呼声"
