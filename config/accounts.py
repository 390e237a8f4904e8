"""Sign-in pages: the login page, password reset only where e-mail is configured, and the
client address that django-axes throttles by."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from config import oidc


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, as the last trusted proxy saw it.

    Behind TRUSTED_PROXY_COUNT proxies, each appending to X-Forwarded-For, the client is that
    many places from the right; anything further left was written by the client and is not
    trusted (else an attacker would pick a fresh address for every guess).
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    """django-axes' answer to a sign-in it refused (AXES_LOCKOUT_CALLABLE): 429 and why."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["password_reset_enabled"] = settings.PASSWORD_RESET_ENABLED
        context["oidc_provider_name"] = oidc.provider_name()
        return context


def when_password_reset_enabled(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A reset page that does not exist (404) unless e-mail is configured to send the link."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.PASSWORD_RESET_ENABLED:
            raise Http404("Password reset is not available")
        return view(request, *args, **kwargs)

    return wrapped
