"""The audit trail told in words (issue 12 part 7): "Aminata Diop changed the phone from
77 000 00 00 to 78 111 11 11 on 5 December 2026 at 10:14."

The entries are read by one helper, `history`, which also reads in one query per model the
names of the rows the changed foreign keys point to; everything else is pure: a value made
readable by its field (a choice by its label, a date day-month-year, a boolean yes/no, an
amount with its currency), then one sentence per entry. Ids, uids and technical fields are
never shown; a hidden value (a password) is only said to have changed.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

from mutualis.core.audit import HIDDEN_FIELDS, HIDDEN_VALUE, RECORDED_NAMES
from mutualis.core.formats import format_amount
from mutualis.core.models import AuditEntry

# Kept for the machines (exchange, search, tree walks), meaningless to a reader.
TECHNICAL_FIELDS = frozenset(
    {
        "id",
        "uid",
        "created_at",
        "updated_at",
        "path",
        "duplicate_key",
        "digest",
        "date_joined",
        "last_login",
        "is_staff",
        "is_superuser",
    }
)
# On a creation, what the page already says (whose history it is) is not listed again.
IMPLIED_ON_CREATION = frozenset({"mutual", "household", "is_active", "left_on", "resigned_on"})
# Integer fields that hold an amount of money (core.money), shown with the currency.
MONEY_FIELDS = frozenset(
    {
        "amount",
        "total",
        "cap",
        "price",
        "contribution",
        "registration_fee",
        "ceiling_per_act",
        "ceiling_per_episode",
        "ceiling_per_year",
    }
)
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"

Names = Mapping[tuple[type[models.Model], Any], str]


@dataclass(frozen=True)
class Told:
    """One entry of the trail, as read: a sentence, and for a creation the values it had."""

    at: datetime.datetime
    sentence: str
    values: list[tuple[str, str]] = field(default_factory=list)


def field_of(model: type[models.Model], name: str) -> "models.Field[Any, Any] | None":
    try:
        # the trail records concrete fields, never a reverse relation
        return cast("models.Field[Any, Any]", model._meta.get_field(name))
    except FieldDoesNotExist:  # a name a service records that is not a field ("roles", "on")
        return None


def field_label(model: type[models.Model], name: str) -> str:
    found = field_of(model, name)
    return str(found.verbose_name if found is not None else RECORDED_NAMES.get(name, name))


def readable(
    value: Any,
    found: "models.Field[Any, Any] | None",
    *,
    names: Names,
    choices: Mapping[str, str] | None = None,
    currency: str = "",
) -> str:
    """A stored value (as the trail keeps it: JSON) as a reader reads it."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(readable(v, found, names=names, choices=choices) for v in value)
    if choices is not None:
        return str(choices.get(value, value))
    if found is None:
        return str(value)
    if found.is_relation and found.related_model is not None:
        # resolved to a model ("self" included) once the apps are ready
        return names.get((cast("type[models.Model]", found.related_model), value), "")
    if found.flatchoices:
        return str(dict(found.flatchoices).get(value, value))
    if isinstance(found, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(found, models.DateTimeField):
        moment = timezone.localtime(datetime.datetime.fromisoformat(str(value)))
        return _("%(date)s at %(time)s") % {
            "date": date_format(moment, DATE_FORMAT),
            "time": date_format(moment, TIME_FORMAT),
        }
    if isinstance(found, models.DateField):
        return date_format(datetime.date.fromisoformat(str(value)), DATE_FORMAT)
    if found.name in MONEY_FIELDS and isinstance(value, int):
        return format_amount(value, currency)
    return str(value)


def change_part(label: str, before: str, after: str, *, hidden: bool) -> str:
    """One change, with its verb: "changed the phone from … to …"."""
    if hidden:
        return _("changed the %(field)s") % {"field": label}
    if not before:
        return _("set the %(field)s to %(after)s") % {"field": label, "after": after}
    if not after:
        return _("cleared the %(field)s (was %(before)s)") % {"field": label, "before": before}
    return _("changed the %(field)s from %(before)s to %(after)s") % {
        "field": label,
        "before": before,
        "after": after,
    }


def actor_name(actor: AbstractUser | None) -> str:
    if actor is None:
        return _("The system")
    return actor.get_full_name() or actor.get_username()


def when(at: datetime.datetime) -> dict[str, str]:
    moment = timezone.localtime(at)
    return {"date": date_format(moment, DATE_FORMAT), "time": date_format(moment, TIME_FORMAT)}


def creation_sentence(model_label: str, actor: str, subject: str, moment: dict[str, str]) -> str:
    words = {"actor": actor, "subject": subject, **moment}
    if model_label == "membership.beneficiary" or (
        subject and model_label == "membership.household"
    ):
        return _("%(actor)s enrolled %(subject)s on %(date)s at %(time)s.") % words
    if model_label == "membership.household":
        return _("%(actor)s enrolled the household on %(date)s at %(time)s.") % words
    if subject:
        return _("%(actor)s created %(subject)s on %(date)s at %(time)s.") % words
    if model_label == "federation.user":
        return _("%(actor)s created the account on %(date)s at %(time)s.") % words
    if model_label == "federation.organisation":
        return _("%(actor)s created the organisation on %(date)s at %(time)s.") % words
    return _("%(actor)s created it on %(date)s at %(time)s.") % words


def tell(
    entry: AuditEntry,
    model: type[models.Model],
    *,
    names: Names,
    subject: str = "",
    choices: Mapping[str, Mapping[str, str]] | None = None,
    currency: str = "",
) -> Told:
    """One entry as a sentence. `subject` names the row the entry is about when it is not the
    one whose history is read (a member of the household)."""
    choices = choices or {}
    actor = actor_name(entry.actor)
    moment = when(entry.at)
    order = {f.name: index for index, f in enumerate(model._meta.concrete_fields)}
    shown = sorted(
        ((name, values) for name, values in entry.changes.items() if name not in TECHNICAL_FIELDS),
        key=lambda pair: (order.get(pair[0], len(order)), pair[0]),
    )

    def value(name: str, raw: Any) -> str:
        return readable(
            raw, field_of(model, name), names=names, choices=choices.get(name), currency=currency
        )

    if (
        entry.action == AuditEntry.Action.CREATE
        and shown
        and not any(field_of(model, name) for name, _values in shown)
    ):
        # a bulk path's one entry for many rows (an import, a batch of claims)
        details = "; ".join(batch_details(after) for _name, (_before, after) in shown)
        words = {"actor": actor, "details": details, **moment}
        return Told(entry.at, _("%(actor)s recorded %(details)s on %(date)s at %(time)s.") % words)
    if entry.action == AuditEntry.Action.CREATE:
        listed = [
            (capfirst(field_label(model, name)), value(name, after))
            for name, (_before, after) in shown
            if name not in IMPLIED_ON_CREATION
            and name not in HIDDEN_FIELDS
            # a member enrolled is named in the sentence
            and not (subject and name in ("first_name", "last_name"))
        ]
        sentence = creation_sentence(model._meta.label_lower, actor, subject, moment)
        return Told(entry.at, sentence, [(label, text) for label, text in listed if text])
    if entry.action == AuditEntry.Action.DELETE:
        words = {"actor": actor, **moment}
        return Told(entry.at, _("%(actor)s deleted it on %(date)s at %(time)s.") % words)
    parts = [
        change_part(
            field_label(model, name),
            value(name, before),
            value(name, after),
            hidden=name in HIDDEN_FIELDS or HIDDEN_VALUE in (before, after),
        )
        for name, (before, after) in shown
    ]
    changes = str(get_text_list(parts, _("and"))) if parts else _("saved it unchanged")
    words = {"actor": actor, "changes": changes, "subject": subject, **moment}
    if subject:
        sentence = _("%(actor)s %(changes)s for %(subject)s on %(date)s at %(time)s.") % words
    else:
        sentence = _("%(actor)s %(changes)s on %(date)s at %(time)s.") % words
    return Told(entry.at, sentence)


@cache
def models_by_plural() -> dict[str, type[models.Model]]:
    """Models by the plural a bulk path's entry counts them under ("claims", "households")."""
    found = {}
    for model in apps.get_models():
        name = model._meta.model_name
        assert name is not None  # set for every model class Django registered
        found[name + "s"] = model
        if name.endswith("y"):
            found[name[:-1] + "ies"] = model
    return found


def batch_details(value: Any) -> str:
    """What a bulk path's entry counts: "8 claims", "12 households, 54 beneficiaries (file)"."""
    if not isinstance(value, Mapping):
        return str(value)
    plurals = models_by_plural()
    counted = [
        f"{number_format(count, force_grouping=True)} {plurals[key]._meta.verbose_name_plural}"
        for key, count in value.items()
        if key in plurals and isinstance(count, int)
    ]
    text = ", ".join(counted)
    return f"{text} ({value['file']})" if value.get("file") else text


def names_of(
    wanted: Mapping[type[models.Model], set[Any]],
) -> dict[tuple[type[models.Model], Any], str]:
    """The names of the rows pointed to, one query per model. A model whose name needs related
    rows says which in `LABEL_PREFETCH` (a household is named by its head)."""
    names = {}
    for target, pks in wanted.items():
        rows = target._default_manager.filter(pk__in=pks)
        if prefetch := getattr(target, "LABEL_PREFETCH", ()):
            rows = rows.prefetch_related(*prefetch)
        names.update({(target, row.pk): str(row) for row in rows})
    return names


def history(
    obj: models.Model,
    *,
    related: Iterable[models.Model] = (),
    choices: Mapping[str, Mapping[str, str]] | None = None,
    currency: str = "",
) -> list[Told]:
    """The trail of `obj` and of the `related` rows shown with it (a household's members),
    newest first, told in words."""
    subjects = {(type(obj), obj.pk): ""}
    subjects.update(
        {(type(row), row.pk): getattr(row, "full_name", None) or str(row) for row in related}
    )
    by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
    for model, pk in subjects:
        by_model[model].append(pk)
    types = {
        model: ContentType.objects.get_for_model(model, for_concrete_model=True)
        for model in by_model
    }
    wanted_entries = Q()
    for model, pks in by_model.items():
        wanted_entries |= Q(content_type=types[model], object_id__in=pks)
    entries = list(
        AuditEntry.objects.filter(wanted_entries).select_related("actor").order_by("-at", "-id")
    )
    model_of = {content_type.pk: model for model, content_type in types.items()}
    return told(entries, model_of, subjects, choices=choices, currency=currency)


def told(
    entries: list[AuditEntry],
    model_of: Mapping[int, type[models.Model]],
    subjects: Mapping[tuple[type[models.Model], Any], str],
    *,
    choices: Mapping[str, Mapping[str, str]] | None = None,
    currency: str = "",
) -> list[Told]:
    """Entries in words, the rows their foreign keys point to read by name in one query per
    model; `subjects` names the row of each entry (by model and id) where the sentence must."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = model_of[entry.content_type_id]
        for name, values in entry.changes.items():
            found = field_of(model, name)
            if found is not None and found.is_relation and found.related_model is not None:
                # resolved to a model ("self" included) once the apps are ready
                wanted[cast("type[models.Model]", found.related_model)].update(
                    v for v in values if v
                )
    names = names_of(wanted)
    return [
        tell(
            entry,
            model_of[entry.content_type_id],
            names=names,
            subject=subjects.get((model_of[entry.content_type_id], entry.object_id), ""),
            choices=choices,
            currency=currency,
        )
        for entry in entries
    ]


def recent_changes(limit: int) -> list[Told]:
    """The last changes of every kind of row, each naming its row as it is named today (as it
    was, if it is gone)."""
    entries = list(AuditEntry.objects.select_related("actor").order_by("-at", "-id")[:limit])
    model_of = {
        # the trail's models are installed ones: a removed model would have no class
        entry.content_type_id: cast(
            "type[models.Model]",
            ContentType.objects.get_for_id(entry.content_type_id).model_class(),
        )
        for entry in entries
    }
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        wanted[model_of[entry.content_type_id]].add(entry.object_id)
    names = names_of(wanted)
    subjects = {
        (model_of[entry.content_type_id], entry.object_id): names.get(
            (model_of[entry.content_type_id], entry.object_id), entry.object_repr
        )
        for entry in entries
    }
    return told(entries, model_of, subjects)
