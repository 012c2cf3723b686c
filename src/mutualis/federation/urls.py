from django.contrib.auth import views as auth_views
from django.urls import path

from mutualis.core.access import access, public
from mutualis.federation import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        public(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "account/password/",
        access(writes=True)(auth_views.PasswordChangeView.as_view(success_url="/")),
        name="password_change",
    ),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("account/keys/", views.own_api_keys, name="own_api_keys"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/tree/", views.organisation_tree, name="organisation_tree"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<int:pk>/children/",
        views.organisation_children,
        name="organisation_children",
    ),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/move/", views.organisation_move, name="organisation_move"),
    path(
        "organisations/<int:pk>/history/", views.organisation_history, name="organisation_history"
    ),
    path(
        "organisations/<int:pk>/journal/", views.organisation_journal, name="organisation_journal"
    ),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/history/", views.user_history, name="user_history"),
    path("users/<int:pk>/keys/", views.user_api_keys, name="user_api_keys"),
]
