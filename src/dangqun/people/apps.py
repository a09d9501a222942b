from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dangqun.people"
    verbose_name = "人员"
