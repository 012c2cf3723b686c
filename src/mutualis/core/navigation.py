"""The main menu, assembled from each app's `navigation.MENU` in the order of INSTALLED_APPS.

An app adds its pages to the menu by declaring, in `<app>/navigation.py`:

    MENU = [MenuItem(label=_("Organisations"), url_name="organisation_list", roles=None)]

`roles=None` shows the item to every signed-in user; otherwise to users holding one of the roles.
"""

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    roles: Collection[str] | None = None


@cache
def menu_items() -> tuple[MenuItem, ...]:
    items: list[MenuItem] = []
    for app in apps.get_app_configs():
        try:
            module = import_module(f"{app.name}.navigation")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.navigation":
                raise
            continue
        items.extend(getattr(module, "MENU", []))
    return tuple(items)


def menu_for(user) -> list[MenuItem]:
    if not user.is_authenticated:
        return []
    return [item for item in menu_items() if item.roles is None or user.has_any_role(item.roles)]
