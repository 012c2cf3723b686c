from django.urls import path

from mutualis.portal.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.institution_list, name="organisations"),
    path("people/", views.person_list, name="people"),
    path("committees/", views.committee_list, name="committees"),
    path("focal-points/", views.focal_point_list, name="focal-points"),
    path("organisations/<uuid:uid>/", views.institution_page, name="organisation"),
    path("people/<uuid:uid>/", views.person_page, name="person"),
    # the editors'
    path("organisations/new/", views.institution_new, name="organisation-new"),
    path("organisations/<int:pk>/edit/", views.institution_edit, name="organisation-edit"),
    path("organisations/<int:pk>/retire/", views.institution_retire, name="organisation-retire"),
    path("people/new/", views.person_new, name="person-new"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/retire/", views.person_retire, name="person-retire"),
    path("committees/new/", views.committee_new, name="committee-new"),
    path("committees/<int:pk>/", views.committee_edit, name="committee-edit"),
    # a person's own entry
    path("my-entry/", views.my_entry, name="my-entry"),
]
