"""`mutualis demo`: one generator per app, run in the order of INSTALLED_APPS.

An app contributes demo data with a module `<app>/demo.py` that defines::

    def add_arguments(parser): ...       # its own options, e.g. --households-per-mutual
    def generate(demo: Demo) -> None: ...  # reads demo.options, demo.rng; shares what later
                                           # generators need in demo.made
    def has_data() -> bool: ...            # demo data goes only into an empty database

Generators write with bulk inserts inside one transaction, and draw every random choice from
`demo.rng`, so the same seed gives the same data on any machine and any database.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps


@dataclass
class Demo:
    options: dict[str, Any]
    rng: random.Random
    log: Callable[[str], None]
    made: dict[str, Any] = field(default_factory=dict)


def demo_modules() -> list[ModuleType]:
    modules = []
    for app in apps.get_app_configs():
        name = f"{app.name}.demo"
        if name == __name__:  # this registry, not a generator
            continue
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules
