from django.db import migrations

KINDS = [
    ("volunteer", "志愿服务", True),
    ("culture", "文化活动", False),
    ("sports", "文体活动", False),
    ("union", "工会活动", False),
    ("youth", "团青活动", False),
    ("women", "妇女活动", False),
    ("practice", "学习实践", False),
]


def add_kinds(apps, schema_editor):
    ActivityKind = apps.get_model("activities", "ActivityKind")
    for position, (code, name, volunteer) in enumerate(KINDS):
        ActivityKind.objects.get_or_create(
            code=code, defaults={"name": name, "volunteer": volunteer, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
