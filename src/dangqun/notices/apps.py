from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "dangqun.notices"
    verbose_name = "消息提醒"

    def ready(self):
        # import here: the cards read models, which only a ready app registry allows
        from dangqun.notices import cards  # noqa: F401  (registers the 工作台's cards)
