from django.urls import path

from mutualis.membership import views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/import/", views.register_import, name="register_import"),
    path("register/template.xlsx", views.register_template, name="register_template"),
    path("register/export/", views.register_export, name="register_export"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/dependents/new/", views.dependent_add, name="dependent_add"),
    path("households/<int:pk>/resign/", views.household_resign, name="household_resign"),
    path("households/<int:pk>/history/", views.household_history, name="household_history"),
    path("households/<int:pk>/cards.pdf", views.household_cards, name="household_cards"),
    path("beneficiaries/<int:pk>/edit/", views.beneficiary_edit, name="beneficiary_edit"),
    path("beneficiaries/<int:pk>/leave/", views.beneficiary_leave, name="beneficiary_leave"),
    path("beneficiaries/<int:pk>/card.pdf", views.beneficiary_card, name="beneficiary_card"),
]
