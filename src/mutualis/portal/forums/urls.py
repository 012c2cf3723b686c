from django.urls import path

from mutualis.portal.forums import views

app_name = "forums"

urlpatterns = [
    path("", views.forum_index, name="index"),
    path("themes/new/", views.theme_create, name="theme-create"),
    path("themes/<int:pk>/", views.theme_detail, name="theme"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme-edit"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/moderate/", views.topic_moderate, name="topic-moderate"),
    path("posts/<int:pk>/", views.post_link, name="post"),
    path("posts/<int:pk>/moderate/", views.post_moderate, name="post-moderate"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
