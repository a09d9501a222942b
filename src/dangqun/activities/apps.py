from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "dangqun.activities"
    verbose_name = "志愿服务与活动"
