"""The main menu, assembled from each app's `navigation.MENU` and grouped by task.

An app adds its pages to the menu by declaring, in `<app>/navigation.py`:

    MENU = [MenuItem(label=_("Organisations"), url_name="organisation_list", group=Group.NETWORK)]

`roles=None` shows the item to every signed-in user; otherwise to users holding one of the roles.
Items are shown under their group's heading, groups in the order of `Group`, items of a group in
the order of INSTALLED_APPS; an item without a group (`group=None`, the home page) stands before
the groups. A visitor who has not signed in sees the public site's pages instead, declared as
`PUBLIC_MENU = [MenuItem(...)]` in the same module (docs/public-site.md). Twelve to eighteen
links in a row filled a phone's first screen: grouped by the task they serve, a mutual's staff
find them by what they are doing.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mutualis.core.access import AnyUser
from mutualis.core.declarations import declared_by_apps


class Group(models.TextChoices):
    """The tasks of the menu, in the order it shows them."""

    MEMBERS = "members", _("Membership")
    CONTRIBUTIONS = "contributions", _("Contributions")
    CARE = "care", _("Care")
    PROVIDERS = "providers", _("Providers")
    BOOKS = "books", _("Books")
    MONITORING = "monitoring", _("Monitoring")
    NETWORK = "network", _("Federation")
    ADMINISTRATION = "administration", _("Administration")
    # where an app's item goes until the app chooses its group
    OTHER = "other", _("Other pages")


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    roles: Collection[str] | None = None
    group: Group | None = Group.OTHER


@dataclass
class MenuGroup:
    key: Group
    items: list[MenuItem] = field(default_factory=list)

    @property
    def label(self) -> str | Promise:
        return self.key.label


@dataclass
class Menu:
    """What a user's menu shows: the items without a group, then the non-empty groups."""

    items: list[MenuItem]
    groups: list[MenuGroup]

    def __bool__(self) -> bool:
        return bool(self.items or self.groups)


@cache
def menu_items() -> tuple[MenuItem, ...]:
    return tuple(declared_by_apps("navigation", "MENU"))


@cache
def public_items() -> tuple[MenuItem, ...]:
    return tuple(declared_by_apps("navigation", "PUBLIC_MENU"))


def menu_for(user: AnyUser) -> Menu:
    if not user.is_authenticated:
        return Menu(items=list(public_items()), groups=[])
    shown = [item for item in menu_items() if item.roles is None or user.has_any_role(item.roles)]
    groups = [MenuGroup(key=group) for group in Group]
    for item in shown:
        if item.group is not None:
            groups[list(Group).index(item.group)].items.append(item)
    return Menu(
        items=[item for item in shown if item.group is None],
        groups=[group for group in groups if group.items],
    )
