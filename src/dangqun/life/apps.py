from django.apps import AppConfig


class LifeConfig(AppConfig):
    name = "dangqun.life"
    verbose_name = "组织生活"
