from django.urls import path

from mutualis.benefits import views

urlpatterns = [
    path("packages/", views.package_list, name="package_list"),
    path("packages/new/", views.package_create, name="package_create"),
    path("packages/<int:pk>/", views.package_detail, name="package_detail"),
    path(
        "packages/<int:pk>/versions/new/",
        views.package_version_create,
        name="package_version_create",
    ),
]
