"""Feed links: create, show, regenerate, revoke and look up private feed tokens.

secret = HMAC-SHA256(SECRET_KEY, "<pk>:<salt>") with a 128-bit random salt per row, so the
secret can be shown again without being stored; the database holds only sha256(secret).
Changing SECRET_KEY therefore invalidates every link (regenerate them afterwards).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from calendars.models import FeedToken
from calendars.sources import Subscriber, subscribers
from inspections.access import require
from inspections.audit import batch, with_reason
from inspections.models import Inspection, Role

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
@batch()  # a new link is one history row, not one for the row and one for its secret
def ensure_tokens(
    inspection: Inspection, *, actor: Any = None
) -> list[tuple[Subscriber, FeedToken]]:
    """Every subscriber with its token; missing tokens are created, labels kept current."""
    require(actor, inspection, Role.COORDINATOR)
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


def orphans(inspection: Inspection, subs: Iterable[Subscriber] | None = None) -> list[FeedToken]:
    """Links whose subscriber is gone (a person or room deleted or renamed behind the app's back,
    a room no plan names any more), working ones first, so a coordinator can revoke them.

    `subs`: the inspection's subscribers when the caller has them already."""
    known = {(s.kind, s.ref) for s in (subscribers(inspection) if subs is None else subs)}
    tokens = FeedToken.objects.filter(inspection=inspection).order_by(
        F("revoked_at").asc(nulls_first=True), "kind", "label"
    )
    return [t for t in tokens if (t.kind, t.ref) not in known]


@transaction.atomic
def revoke_subscriber_links(inspection_id: int, keys: Iterable[tuple[str, str]]) -> int:
    """Revoke the working links of these (kind, ref) subscribers; returns how many.

    Called when a person, inspector, room or venue is deleted or renamed (calendars.receivers):
    a link handed to one subscriber must not go on showing whoever takes the name or ref next.
    """
    wanted = Q()
    for kind, ref in keys:
        wanted |= Q(kind=kind, ref=ref)
    if not wanted:
        return 0
    found = (
        FeedToken.objects.active().select_for_update().filter(wanted, inspection_id=inspection_id)
    )
    now = timezone.now()
    for token in found:
        _rekey(token, active=False)  # as revoke(): the old secret can never come back
        token.revoked_at = now
        with_reason(token, "revoked: its subscriber was renamed or deleted")
        token.save(update_fields=["salt", "secret_hash", "revoked_at"])
    return len(found)


@transaction.atomic
def show(token: FeedToken, *, actor: Any = None) -> FeedToken:
    """Showing a link hands its secret to whoever is looking: the audit trail records who
    and when (the row's last_shown_at, with the reason "shown")."""
    require(actor, token.inspection, Role.COORDINATOR)
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    token.last_shown_at = timezone.now()
    with_reason(token, "shown")
    token.save(update_fields=["last_shown_at"])
    return token


@transaction.atomic
def regenerate(token: FeedToken, *, actor: Any = None) -> FeedToken:
    """A new secret: the old link stops working, a revoked link works again with the new one."""
    require(actor, token.inspection, Role.COORDINATOR)
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    _rekey(token, active=True)
    token.revoked_at = None
    token.regenerated_at = timezone.now()
    with_reason(token, "regenerated")
    token.save(update_fields=["salt", "secret_hash", "revoked_at", "regenerated_at"])
    return token


@transaction.atomic
def revoke(token: FeedToken, *, actor: Any = None) -> FeedToken:
    require(actor, token.inspection, Role.COORDINATOR)
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    _rekey(token, active=False)  # new salt too: the old secret can never come back
    token.revoked_at = timezone.now()
    with_reason(token, "revoked")
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
