"""What apps declare for core to gather (menus, home panels), found in the order of
INSTALLED_APPS without core importing any app by name."""

from importlib import import_module
from typing import Any

from django.apps import apps


def declared_by_apps(module: str, attribute: str) -> list[Any]:
    """The items of `<app>.<module>.<attribute>` for every installed app that has them."""
    found: list[Any] = []
    for app in apps.get_app_configs():
        try:
            declared = import_module(f"{app.name}.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.{module}":
                raise
            continue
        found.extend(getattr(declared, attribute, []))
    return found
