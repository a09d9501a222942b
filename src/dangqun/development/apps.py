from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "dangqun.development"
    verbose_name = "发展党员"
