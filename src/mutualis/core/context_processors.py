from django.http import HttpRequest

from mutualis.core.navigation import Menu, menu_for


def navigation(request: HttpRequest) -> dict[str, Menu]:
    return {"menu": menu_for(request.user)}
