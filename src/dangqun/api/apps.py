from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dangqun.api"
    verbose_name = "API"
