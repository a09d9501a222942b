from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangqun.orgs"
    verbose_name = "组织"

    def ready(self):
        # import here: the cards read models, which only a ready app registry allows
        from dangqun.orgs import cards  # noqa: F401  (registers the 工作台's cards)
