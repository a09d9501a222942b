from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dangqun.surveys"
    verbose_name = "问卷调查"

    def ready(self):
        # import here: the cards module reads models, which only a ready registry allows
        from dangqun.surveys import cards  # noqa: F401  (registers the 工作台's cards)
