from django.urls import path  # noqa: F401  (the dashboards' and the reports' pages come next)

urlpatterns: list = []
