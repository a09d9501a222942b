"""The working calendar's site adjustments, taken over from ``voices`` (state only: the table
``voices_calendarday`` was created by voices 0001 and keeps its name and rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("voices", "0009_calendarday_to_core"),  # the table exists, and voices has let the model go
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="日期")),
                        ("is_workday", models.BooleanField(verbose_name="是否工作日")),
                        ("note", models.CharField(blank=True, max_length=50, verbose_name="说明")),
                    ],
                    options={
                        "verbose_name": "工作日历调整",
                        "db_table": "voices_calendarday",
                        "ordering": ["date"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
