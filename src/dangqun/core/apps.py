from django.apps import AppConfig

from dangqun.core import warmup


class CoreConfig(AppConfig):
    name = "dangqun.core"
    verbose_name = "基础"

    def ready(self):
        # runserver's serving process warms up like a gunicorn worker (after every app's ready
        # has registered its steps: the thread starts now, its steps run once setup returns)
        if warmup.serving_under_runserver():
            warmup.run_in_background()
