import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("voices", "0010_history_import"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicWords",
            fields=[
                (
                    "voice",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="topic_words",
                        serialize=False,
                        to="voices.voice",
                    ),
                ),
                ("words", models.TextField(blank=True)),
                ("version", models.PositiveSmallIntegerField(default=1)),
            ],
        ),
        migrations.AddIndex(
            model_name="voice",
            index=models.Index(
                fields=["submitted_at"],
                include=["id", "unit", "handling_org"],
                name="voice_submitted_idx",
            ),
        ),
    ]
