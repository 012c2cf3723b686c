from django.urls import path

from mutualis.contributions import views

urlpatterns = [
    path("households/<int:pk>/pay/", views.payment_create, name="payment_create"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/receipt.pdf", views.payment_receipt, name="payment_receipt"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("cash-report/", views.cash_report, name="cash_report"),
    path("third-payers/", views.third_payers, name="third_payers"),
    path("contributions/export/", views.contributions_export, name="contributions_export"),
]
