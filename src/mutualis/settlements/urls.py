from django.urls import path

from mutualis.settlements import views

urlpatterns = [
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/issue/", views.statements_issue, name="statements_issue"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/statement.pdf", views.statement_document, name="statement_pdf"),
    path("statements/<int:pk>/statement.xlsx", views.statement_workbook, name="statement_xlsx"),
    path("statements/<int:pk>/pay/", views.payment_create, name="provider_payment_create"),
    path("statements/<int:pk>/cancel/", views.statement_cancel, name="statement_cancel"),
    path(
        "provider-payments/<int:pk>/reverse/",
        views.payment_reverse,
        name="provider_payment_reverse",
    ),
    path("provider-balances/", views.provider_balances, name="provider_balances"),
    path("clearing/", views.clearing, name="clearing"),
    path("clearing/clearing.pdf", views.clearing_document, name="clearing_pdf"),
    path("clearing/clearing.xlsx", views.clearing_workbook, name="clearing_xlsx"),
]
