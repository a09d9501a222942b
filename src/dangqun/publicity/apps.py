from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "dangqun.publicity"
    verbose_name = "政策宣传"

    def ready(self):
        from dangqun.publicity import cards  # noqa: F401  (registers the 工作台's cards)
