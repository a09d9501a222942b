from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangqun.orgs"
    verbose_name = "组织"
