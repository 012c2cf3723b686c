"""The library's PostgreSQL index keeps no foreign key to the documents (portal.search): a
document is never deleted, and the key stopped Django's flush from truncating the documents."""

from django.db import migrations


def drop_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE portal_document_search"
            " DROP CONSTRAINT IF EXISTS portal_document_search_document_id_fkey"
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_document_withdrawn")]

    operations = [migrations.RunPython(drop_key, migrations.RunPython.noop)]
