from django.urls import path

from mutualis.providers import views

urlpatterns = [
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/template.xlsx", views.item_template, name="item_template"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path(
        "agreements/<int:pk>/versions/new/",
        views.agreement_version_create,
        name="agreement_version_create",
    ),
    path("agreements/<int:pk>/tariffs/", views.agreement_tariffs, name="agreement_tariffs"),
    path(
        "agreements/<int:pk>/tariffs/import/",
        views.agreement_tariffs_import,
        name="agreement_tariffs_import",
    ),
    path(
        "agreements/<int:pk>/price-list.xlsx",
        views.agreement_price_list,
        name="agreement_price_list",
    ),
]
