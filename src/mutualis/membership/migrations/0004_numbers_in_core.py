from django.db import migrations


def copy(apps, schema_editor):
    """The series move to core (core.numbering), which every app numbers with: the same
    numbers, keyed by the organisation."""
    Sequence = apps.get_model("membership", "Sequence")
    NumberSeries = apps.get_model("core", "NumberSeries")
    NumberSeries.objects.bulk_create(
        NumberSeries(organisation_id=row.mutual_id, name=row.name, last_value=row.last_value)
        for row in Sequence.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0003_beneficiary_beneficiary_member_number"),
        ("core", "0007_number_series"),
    ]

    operations = [
        migrations.RunPython(copy, migrations.RunPython.noop),
        migrations.DeleteModel(name="Sequence"),
    ]
