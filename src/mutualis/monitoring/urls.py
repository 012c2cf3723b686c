from django.urls import path

from mutualis.monitoring import views

urlpatterns = [
    path("monitoring/", views.monitoring_home, name="monitoring_home"),
    path("monitoring/<int:pk>/", views.monitoring_dashboard, name="monitoring_dashboard"),
    path(
        "monitoring/<int:pk>/thresholds/",
        views.monitoring_thresholds,
        name="monitoring_thresholds",
    ),
    path(
        "monitoring/<int:pk>/indicators.xlsx",
        views.monitoring_dashboard_xlsx,
        name="monitoring_dashboard_xlsx",
    ),
]
