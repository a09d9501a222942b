from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "dangqun.development"
    verbose_name = "发展党员"

    def ready(self):
        # import here: the cards read models, which only a ready app registry allows
        from dangqun.development import cards  # noqa: F401  (registers the 工作台's cards)
