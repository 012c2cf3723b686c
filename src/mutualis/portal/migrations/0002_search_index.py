"""The library's search index, beside the documents: an FTS5 table on SQLite, a tsvector table
with a GIN index on PostgreSQL (portal.search)."""

from django.db import migrations


def create(apps, schema_editor):
    from mutualis.portal.search import create_index

    create_index(schema_editor)


def drop(apps, schema_editor):
    from mutualis.portal.search import drop_index

    drop_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
