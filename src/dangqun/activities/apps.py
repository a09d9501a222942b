from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "dangqun.activities"
    verbose_name = "志愿服务与活动"

    def ready(self):
        # import here: the cards read models, which only a ready app registry allows
        from dangqun.activities import cards  # noqa: F401  (registers the 工作台's cards)
