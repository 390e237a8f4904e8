"""Sign-in through the council's identity provider (OpenID Connect, mozilla-django-oidc).

Off unless OIDC_RP_CLIENT_ID is set. An endpoint not given in the settings is read from the
provider's discovery document (OIDC_OP_DISCOVERY) on first use, never at start-up, so a
provider that is down stops only this way of signing in. Signing in creates an account with
no role: a coordinator grants roles per inspection (members page, `grant`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend, default_username_algo
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

log = logging.getLogger(__name__)

DISCOVERY_KEYS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_name() -> str | None:
    """What the login page's button names ("Sign in with ..."), or None when OIDC is off."""
    return str(settings.OIDC_PROVIDER_NAME) if enabled() else None


@functools.lru_cache(maxsize=8)  # a failed fetch raises, so it is not cached
def _discovery(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def endpoint(name: str) -> str:
    """An OIDC_OP_*_ENDPOINT setting, or the provider's own from its discovery document."""
    value = str(getattr(settings, name, "") or "")
    if value:
        return value
    if not settings.OIDC_OP_DISCOVERY:
        raise ImproperlyConfigured(f"{name} is not set, and neither is OIDC_OP_DISCOVERY")
    return str(_discovery(settings.OIDC_OP_DISCOVERY)[DISCOVERY_KEYS[name]])


def username_for(email: str, claims: dict[str, Any]) -> str:
    """The e-mail address (what a coordinator types on the members page), unless a local
    account already has it as its username."""
    username = email.strip().lower()[:150]
    if get_user_model()._default_manager.filter(username=username).exists():
        return default_username_algo(email, claims)
    return username


class OIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or not enabled() or not request.GET.get("code"):
            return None  # a password sign-in: nothing for this backend, and no network
        self.OIDC_OP_TOKEN_ENDPOINT = endpoint("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = endpoint("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = endpoint("OIDC_OP_JWKS_ENDPOINT")
        return super().authenticate(request, **kwargs)

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        # The provider vouches for an e-mail address; that never stands for a superuser, who
        # signs in here with a password.
        return super().filter_users_by_claims(claims).filter(is_superuser=False)

    def create_user(self, claims: dict[str, Any]) -> Any:
        user = super().create_user(claims)
        user.first_name = str(claims.get("given_name", ""))[:150]
        user.last_name = str(claims.get("family_name", ""))[:150]
        user.save(update_fields=["first_name", "last_name"])
        log.info("Created account %s on first sign-in through the identity provider", user.pk)
        return user


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """/oidc/authenticate/: off to the provider's sign-in page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Sign-in through an identity provider is not set up")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except requests.RequestException:
            log.exception("The identity provider's discovery document could not be read")
            return _failed(request)
        return super().get(request)


class AuthenticationCallbackView(OIDCAuthenticationCallbackView):
    """/oidc/callback/: the provider sends the browser back here with a code."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Sign-in through an identity provider is not set up")
        try:
            return super().get(request)
        except requests.RequestException:
            log.exception("The identity provider did not answer the token exchange")
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        return _failed(self.request)


def _failed(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        f"Signing in with {provider_name()} did not work. Try again, or ask the inspection "
        "coordinator for help.",
    )
    return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)
