from django.urls import path

from mutualis.claims import views

urlpatterns = [
    path("eligibility/", views.eligibility, name="eligibility"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/new/items/", views.claim_items, name="claim_items"),
    path("claims/review/", views.review_queue, name="review_queue"),
    path("claims/upload/", views.claims_upload, name="claims_upload"),
    path("claims/upload/template.xlsx", views.claims_template, name="claims_template"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim_review"),
    path("letters/", views.letter_list, name="letter_list"),
    path("letters/new/", views.letter_create, name="letter_create"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/letter.pdf", views.letter_print, name="letter_print"),
    path("letters/<int:pk>/cancel/", views.letter_cancel, name="letter_cancel"),
]
