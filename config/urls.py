from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import oidc
from config.accounts import LoginView, when_password_reset_enabled

# Sign-in. The reset pages answer 404 unless e-mail is configured; the OIDC pages unless
# OIDC_RP_CLIENT_ID is set (both checked per request).
accounts = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        when_password_reset_enabled(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        when_password_reset_enabled(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        when_password_reset_enabled(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        when_password_reset_enabled(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
oidc_urls = [
    path(
        "authenticate/", oidc.AuthenticationRequestView.as_view(), name="oidc_authentication_init"
    ),
    path(
        "callback/", oidc.AuthenticationCallbackView.as_view(), name="oidc_authentication_callback"
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("oidc/", include(oidc_urls)),
    path("", include("calendars.urls")),
    path("", include("scheduling.urls")),
    path("", include("evidence.urls")),
    path("", include("annex_a.urls")),
    path("", include("aftermath.urls")),
    path("", include("desk.urls")),
    path("", include("notify.urls")),
    path("", include("council.urls")),
    path("", include("inspections.urls")),
    path("", include("planner.urls")),
]
