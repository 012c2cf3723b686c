from importlib import import_module

from django.conf import settings
from django.db import migrations, models

# the log's append-only triggers, as migration 0004 made them
TRIGGERS = import_module("mutualis.core.migrations.0004_event_log")
MAKE = {"sqlite": TRIGGERS.SQLITE, "postgresql": TRIGGERS.POSTGRESQL}
DROP = {"sqlite": TRIGGERS.SQLITE_UNDO, "postgresql": TRIGGERS.POSTGRESQL_UNDO}
run = TRIGGERS.run


def fill(apps, schema_editor):
    """The events already written were written here: their origin is this installation, at
    their own number."""
    schema_editor.execute(
        "UPDATE core_event SET origin = %s, origin_sequence = sequence",
        [settings.MUTUALIS_INSTALLATION],
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_consumer_cursor")]

    # The triggers step aside while the columns are added and filled (SQLite rebuilds the
    # table, which would drop them), and come back at the end.
    operations = [
        migrations.RunPython(run(DROP), run(MAKE)),
        migrations.AddField(
            model_name="event",
            name="origin",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="origin_sequence",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                fields=("organisation_id", "origin", "origin_sequence"),
                name="event_origin_sequence_unique",
            ),
        ),
        migrations.RunPython(run(MAKE), run(DROP)),
    ]
