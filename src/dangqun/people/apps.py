from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dangqun.people"
    verbose_name = "人员"

    def ready(self):
        # import here: the cards read models, which only a ready app registry allows
        from dangqun.people import cards  # noqa: F401  (registers the 工作台's cards)
