"""Each provider registered before the registry had events gets its `provider.registered` in its
owner's log (providers/events.py), so that the log and the registry agree (check-events) and the
indicators name every provider."""

from django.db import migrations, transaction

from mutualis.core.events import NewEvent, append_all

SAID = ("code", "name", "kind", "level", "sector", "active")


def register(apps, schema_editor):
    Provider = apps.get_model("providers", "Provider")
    Event = apps.get_model("core", "Event")
    logged = set(
        Event.objects.filter(kind="provider.registered").values_list("subject", flat=True)
    )
    by_owner: dict[int, list[NewEvent]] = {}
    for provider in Provider.objects.order_by("pk"):
        if provider.uid in logged:
            continue
        payload = {"provider": str(provider.uid), **{n: getattr(provider, n) for n in SAID}}
        by_owner.setdefault(provider.owner_id, []).append(
            NewEvent("provider.registered", provider.uid, payload)
        )
    with transaction.atomic():
        for owner, events in by_owner.items():
            append_all(owner, events)


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0001_initial"),
        ("core", "0008_daily_run"),
    ]

    operations = [migrations.RunPython(register, migrations.RunPython.noop)]
