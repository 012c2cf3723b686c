from django.urls import path

from mutualis.interop.dhis2 import views

urlpatterns = [
    path("dhis2/mapping/", views.mapping, name="dhis2_mapping"),
    path("dhis2/push/", views.push, name="dhis2_push"),
]
