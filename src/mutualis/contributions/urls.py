from django.urls import path

from mutualis.contributions import views

urlpatterns = [
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/pay/", views.payment_create, name="payment_create"),
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/payments.xlsx", views.payment_list_export, name="payment_list_export"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/receipt.pdf", views.payment_receipt, name="payment_receipt"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("cash-report/", views.cash_report, name="cash_report"),
    path("third-payers/", views.third_payers, name="third_payers"),
    path("arrears/", views.arrears, name="arrears"),
    path("arrears/arrears.xlsx", views.arrears_export, name="arrears_export"),
    path("arrears/visits.pdf", views.visit_list, name="visit_list"),
    path("cover-ending/", views.cover_ending, name="cover_ending"),
    path("contributions/export/", views.contributions_export, name="contributions_export"),
]
