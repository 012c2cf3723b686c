from django.urls import path

from mutualis.inventory import views

app_name = "inventory"

urlpatterns = [
    # public
    path("inventory/", views.synthesis, name="synthesis"),
    path("inventory/mutuals/", views.directory, name="directory"),
    path("inventory/mutuals/<uuid:uid>/", views.mutual, name="mutual"),
    path("inventory/open-data/", views.open_data, name="open-data"),
    path("inventory/open-data.csv", views.open_data_csv, name="open-data-csv"),
    path("inventory/open-data.xlsx", views.open_data_xlsx, name="open-data-xlsx"),
    # signed in
    path("inventory/records/", views.records, name="records"),
    path("inventory/records/new/", views.entry_new, name="entry-new"),
    path("inventory/records/<int:pk>/", views.entry, name="entry"),
    path("inventory/records/<int:pk>/edit/", views.entry_edit, name="entry-edit"),
    path("inventory/records/<int:pk>/year/", views.record_fill, name="record-fill"),
    path("inventory/validation/", views.validation, name="validation"),
    path("inventory/focal-points/", views.focal_points, name="focal-points"),
]
