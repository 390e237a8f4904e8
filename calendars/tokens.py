"""Feed links: create, show, regenerate, revoke and look up private feed tokens.

secret = HMAC-SHA256(SECRET_KEY, "<pk>:<salt>") with a 128-bit random salt per row, so the
secret can be shown again without being stored; the database holds only sha256(secret).
Changing SECRET_KEY therefore invalidates every link (regenerate them afterwards).
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from calendars.models import FeedToken
from calendars.sources import Subscriber, subscribers
from inspections.models import Inspection

SALT_BYTES = 16  # 128 bits of randomness behind every secret


def _new_salt() -> str:
    return secrets.token_hex(SALT_BYTES)


def secret_for(token: FeedToken) -> str:
    digest = salted_hmac(
        "calendars.FeedToken", f"{token.pk}:{token.salt}", algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_path(token: FeedToken) -> str:
    return reverse("calendars:feed", kwargs={"secret": secret_for(token)})


def _rekey(token: FeedToken, active: bool) -> None:
    token.salt = _new_salt()
    token.secret_hash = hash_secret(secret_for(token)) if active else None


@transaction.atomic
def ensure_tokens(inspection: Inspection) -> list[tuple[Subscriber, FeedToken]]:
    """Every subscriber with its token; missing tokens are created, labels kept current."""
    existing = {(t.kind, t.ref): t for t in FeedToken.objects.filter(inspection=inspection)}
    out = []
    for sub in subscribers(inspection):
        token = existing.get((sub.kind, sub.ref))
        if token is None:
            token = FeedToken.objects.create(
                inspection=inspection, kind=sub.kind, ref=sub.ref, label=sub.label, salt=""
            )
            _rekey(token, active=True)
            token.save(update_fields=["salt", "secret_hash"])
        elif token.label != sub.label:
            token.label = sub.label
            token.save(update_fields=["label"])
        out.append((sub, token))
    return out


def listing(inspection: Inspection) -> list[tuple[Subscriber, FeedToken | None]]:
    """Every subscriber with its token if it has one (read-only: creates nothing)."""
    existing = {(t.kind, t.ref): t for t in FeedToken.objects.filter(inspection=inspection)}
    return [(sub, existing.get((sub.kind, sub.ref))) for sub in subscribers(inspection)]


@transaction.atomic
def regenerate(token: FeedToken) -> FeedToken:
    """A new secret: the old link stops working, a revoked link works again with the new one."""
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    _rekey(token, active=True)
    token.revoked_at = None
    token.regenerated_at = timezone.now()
    token.save(update_fields=["salt", "secret_hash", "revoked_at", "regenerated_at"])
    return token


@transaction.atomic
def revoke(token: FeedToken) -> FeedToken:
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    _rekey(token, active=False)  # new salt too: the old secret can never come back
    token.revoked_at = timezone.now()
    token.save(update_fields=["salt", "secret_hash", "revoked_at"])
    return token


def find_active(secret: str) -> FeedToken | None:
    if not secret:
        return None
    return (
        FeedToken.objects.active()
        .select_related("inspection")
        .filter(secret_hash=hash_secret(secret))
        .first()
    )
