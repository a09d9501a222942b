from django.apps import AppConfig


class ConnectConfig(AppConfig):
    name = "dangqun.connect"
    verbose_name = "企业微信、钉钉与统一身份认证"

    def ready(self):
        # import here: the app registry is not ready when this module loads
        from dangqun.connect import delivery
        from dangqun.notices.services import after_notify

        after_notify.append(delivery.after_notify)
