from django.urls import path

from mutualis.portal.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("courrier/", views.archive, name="archive"),
    path("courrier/<uuid:uid>/", views.issue_page, name="issue"),
    path("courrier/<uuid:uid>/courrier-<str:language>.pdf", views.issue_pdf_view, name="issue-pdf"),
    path("issues/", views.issues, name="issues"),
    path("issues/new/", views.issue_new, name="issue-new"),
    path("issues/<int:pk>/", views.issue_manage, name="issue-manage"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue-edit"),
    path("issues/<int:pk>/articles/new/", views.article_new, name="article-new"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article-edit"),
]
