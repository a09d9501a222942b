from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangqun.core"
    verbose_name = "基础"
