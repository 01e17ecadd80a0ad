import datetime

from django.db import migrations, models

# A five-day week, 08:30–12:00 and 13:00–17:30 (8 hours): change it in the admin.
DEFAULT_PERIODS = [
    (weekday, start, end)
    for weekday in range(5)
    for start, end in ((datetime.time(8, 30), datetime.time(12, 0)), (datetime.time(13, 0), datetime.time(17, 30)))
]


def seed_periods(apps, schema_editor):
    WorkingPeriod = apps.get_model("workhours", "WorkingPeriod")
    if not WorkingPeriod.objects.exists():
        WorkingPeriod.objects.bulk_create(
            [WorkingPeriod(weekday=w, start=s, end=e) for w, s, e in DEFAULT_PERIODS]
        )


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="PlantDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(error_messages={"unique": "This date is already entered."}, unique=True, verbose_name="date")),
                ("kind", models.CharField(choices=[("off", "Day off"), ("working", "Working day")], max_length=8, verbose_name="kind")),
                ("name", models.CharField(blank=True, help_text="e.g. 厂庆, 年度检修, 补班", max_length=64, verbose_name="name")),
            ],
            options={
                "verbose_name": "plant day",
                "verbose_name_plural": "plant days off and extra working days",
                "ordering": ["-date"],
            },
        ),
        migrations.CreateModel(
            name="WorkingPeriod",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weekday", models.PositiveSmallIntegerField(choices=[(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"), (6, "Sunday")], verbose_name="weekday")),
                ("start", models.TimeField(verbose_name="from")),
                ("end", models.TimeField(verbose_name="until")),
            ],
            options={
                "verbose_name": "working hours",
                "verbose_name_plural": "working hours per weekday",
                "ordering": ["weekday", "start"],
            },
        ),
        migrations.RunPython(seed_periods, migrations.RunPython.noop),
    ]
