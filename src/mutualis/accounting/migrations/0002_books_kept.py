"""The books' two rules, kept by the database whatever code writes (docs/accounting.md): an entry
is written as a draft, then validated only when its lines balance (debits equal credits, two lines
or more); a validated entry and its lines are never changed or deleted."""

from django.db import migrations

BALANCED = (
    "(SELECT COUNT(*) FROM accounting_line WHERE entry_id = NEW.id) >= 2"
    " AND (SELECT SUM(debit) - SUM(credit) FROM accounting_line WHERE entry_id = NEW.id) = 0"
)
VALIDATED = "(SELECT validated FROM accounting_entry WHERE id = {}.entry_id)"

SQLITE = [
    "CREATE TRIGGER accounting_entry_drafted BEFORE INSERT ON accounting_entry"
    " WHEN NEW.validated BEGIN"
    " SELECT RAISE(ABORT, 'an entry is written as a draft, then validated'); END",
    "CREATE TRIGGER accounting_entry_balanced BEFORE UPDATE ON accounting_entry"
    f" WHEN NEW.validated AND NOT OLD.validated AND NOT ({BALANCED}) BEGIN"
    " SELECT RAISE(ABORT, 'an entry is validated only balanced, on two lines or more'); END",
    "CREATE TRIGGER accounting_entry_kept BEFORE UPDATE ON accounting_entry"
    " WHEN OLD.validated BEGIN SELECT RAISE(ABORT, 'a validated entry is never changed'); END",
    "CREATE TRIGGER accounting_entry_never_deleted BEFORE DELETE ON accounting_entry"
    " WHEN OLD.validated BEGIN SELECT RAISE(ABORT, 'a validated entry is never deleted'); END",
    "CREATE TRIGGER accounting_line_added BEFORE INSERT ON accounting_line"
    f" WHEN {VALIDATED.format('NEW')} BEGIN"
    " SELECT RAISE(ABORT, 'the lines of a validated entry never change'); END",
    "CREATE TRIGGER accounting_line_changed BEFORE UPDATE ON accounting_line"
    f" WHEN {VALIDATED.format('OLD')} OR {VALIDATED.format('NEW')} BEGIN"
    " SELECT RAISE(ABORT, 'the lines of a validated entry never change'); END",
    "CREATE TRIGGER accounting_line_deleted BEFORE DELETE ON accounting_line"
    f" WHEN {VALIDATED.format('OLD')} BEGIN"
    " SELECT RAISE(ABORT, 'the lines of a validated entry never change'); END",
]
SQLITE_UNDO = [
    f"DROP TRIGGER {name}"
    for name in (
        "accounting_entry_drafted",
        "accounting_entry_balanced",
        "accounting_entry_kept",
        "accounting_entry_never_deleted",
        "accounting_line_added",
        "accounting_line_changed",
        "accounting_line_deleted",
    )
]
POSTGRESQL = [
    "CREATE FUNCTION accounting_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'INSERT' THEN"
    "  IF NEW.validated THEN"
    "   RAISE EXCEPTION 'an entry is written as a draft, then validated'; END IF;"
    "  RETURN NEW;"
    " END IF;"
    " IF OLD.validated THEN"
    "  RAISE EXCEPTION 'a validated entry is never changed or deleted'; END IF;"
    " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;"
    f" IF NEW.validated AND NOT ({BALANCED}) THEN"
    "  RAISE EXCEPTION 'an entry is validated only balanced, on two lines or more'; END IF;"
    " RETURN NEW; END $$",
    "CREATE TRIGGER accounting_entry_guard BEFORE INSERT OR UPDATE OR DELETE"
    " ON accounting_entry FOR EACH ROW EXECUTE FUNCTION accounting_entry_guard()",
    "CREATE FUNCTION accounting_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    f" IF TG_OP <> 'INSERT' AND {VALIDATED.format('OLD')} THEN"
    "  RAISE EXCEPTION 'the lines of a validated entry never change'; END IF;"
    f" IF TG_OP <> 'DELETE' AND {VALIDATED.format('NEW')} THEN"
    "  RAISE EXCEPTION 'the lines of a validated entry never change'; END IF;"
    " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;"
    " RETURN NEW; END $$",
    "CREATE TRIGGER accounting_line_guard BEFORE INSERT OR UPDATE OR DELETE"
    " ON accounting_line FOR EACH ROW EXECUTE FUNCTION accounting_line_guard()",
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER accounting_line_guard ON accounting_line",
    "DROP FUNCTION accounting_line_guard()",
    "DROP TRIGGER accounting_entry_guard ON accounting_entry",
    "DROP FUNCTION accounting_entry_guard()",
]


def run(statements):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        ),
    ]
