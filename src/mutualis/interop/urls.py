from django.urls import path

from mutualis.interop import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("CoverageEligibilityRequest", views.eligibility, name="eligibility"),
    path("Claim", views.claim, name="claim"),
    path("Patient/<str:member_number>", views.patient, name="patient"),
    path("Coverage/<str:member_number>", views.coverage, name="coverage"),
    path("Organization/<str:code>", views.organization, name="organization"),
    path("<path:rest>", views.unknown, name="unknown"),
]
