from mutualis.core.navigation import menu_for


def navigation(request):
    return {"menu": menu_for(request.user)}
