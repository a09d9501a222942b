"""The seed app: no models, only the commands that write demo and scale data."""

from django.apps import AppConfig


class SeedConfig(AppConfig):
    name = "dangqun.seed"
    verbose_name = "演示与压测数据"
