from django.urls import path

from mutualis.portal import views

app_name = "portal"

urlpatterns = [
    path("network/", views.home, name="home"),
    path("network/join/", views.join, name="join"),
    path("network/join/sent/", views.join_sent, name="join-sent"),
    path("network/join/confirm/<str:token>/", views.join_confirm, name="join-confirm"),
    path("network/join/password/<uidb64>/<token>/", views.join_password, name="join-password"),
    path("network/applications/", views.applications, name="applications"),
    path("network/applications/<int:pk>/", views.application_review, name="application-review"),
    path("library/", views.library, name="library"),
    path("library/new/", views.document_new, name="document-new"),
    path("library/proposals/", views.proposals, name="proposals"),
    path("library/<uuid:uid>/", views.document, name="document"),
    path("library/<uuid:uid>/file", views.document_file, name="document-file"),
    path("library/<int:pk>/edit/", views.document_edit, name="document-edit"),
    path("library/<int:pk>/review/", views.document_review, name="document-review"),
    path("calendar/", views.events, name="events"),
    path("calendar/calendar.ics", views.events_ical, name="events-ical"),
    path("calendar/new/", views.gathering_new, name="gathering-new"),
    path("calendar/<int:pk>/edit/", views.gathering_edit, name="gathering-edit"),
    path("news/", views.news, name="news"),
    path("news/feed.atom", views.news_feed, name="news-feed"),
    path("news/new/", views.news_new, name="news-new"),
    path("news/<int:pk>/edit/", views.news_edit, name="news-edit"),
]
