from django.urls import path

from mutualis.monitoring import report_views, views

urlpatterns = [
    path("monitoring/", views.monitoring_home, name="monitoring_home"),
    path("monitoring/<int:pk>/", views.monitoring_dashboard, name="monitoring_dashboard"),
    path("monitoring/<int:pk>/care/", views.monitoring_care, name="monitoring_care"),
    path("monitoring/<int:pk>/plans/", views.monitoring_plans, name="monitoring_plans"),
    path(
        "monitoring/<int:pk>/calculator/",
        views.monitoring_calculator,
        name="monitoring_calculator",
    ),
    path(
        "monitoring/<int:pk>/thresholds/",
        views.monitoring_thresholds,
        name="monitoring_thresholds",
    ),
    path(
        "monitoring/<int:pk>/subscription/",
        views.monitoring_subscription,
        name="monitoring_subscription",
    ),
    path(
        "monitoring/<int:pk>/report.pdf",
        views.monitoring_dashboard_pdf,
        name="monitoring_dashboard_pdf",
    ),
    path(
        "monitoring/<int:pk>/indicators.xlsx",
        views.monitoring_dashboard_xlsx,
        name="monitoring_dashboard_xlsx",
    ),
    # periodic reports
    path("reports/", report_views.report_home, name="report_home"),
    path("reports/waiting/", report_views.report_waiting, name="report_waiting"),
    path("reports/<int:pk>/", report_views.report_mutual, name="report_mutual"),
    path("reports/<int:pk>/fill/", report_views.report_fill, name="report_fill"),
    path(
        "reports/<int:pk>/template.xlsx",
        report_views.report_template_download,
        name="report_template",
    ),
    path("reports/<int:pk>/upload/", report_views.report_upload, name="report_upload"),
    path("reports/<int:pk>/population/", report_views.report_population, name="report_population"),
    path("reports/report/<int:pk>/", report_views.report_detail, name="report_detail"),
]
