"""The themes a 党群工作部 publishes under, shipped as data (more can be added, none deleted)."""

from django.db import migrations

THEMES = ["党的政策", "企业战略", "规章制度", "企业文化", "工会", "安全", "廉洁", "先进典型"]


def add(apps, schema_editor):
    Theme = apps.get_model("publicity", "Theme")
    for position, name in enumerate(THEMES, start=1):
        Theme.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
