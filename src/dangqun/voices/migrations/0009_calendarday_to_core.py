"""The working calendar's site adjustments move to ``core`` (state only: the table
``voices_calendarday`` stays where it is; ``core`` 0002 takes the model over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("voices", "0008_voice_tallies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CalendarDay")],
            database_operations=[],
        ),
    ]
