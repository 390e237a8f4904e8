"""Built feeds kept in Django's cache (LocMem per process by default, Redis when REDIS_URL is
set), by a key that is a digest of everything the feed is built from (calendars.publishing).

Invalidation is by key: a new release, a change to what a subscriber may read or a regenerated
link gives a new key, and the old entry simply ages out. Nothing is ever deleted to be correct.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

PREFIX = "calendars:feed:"
# Entries are never stale (a changed feed has a new key); this only bounds memory in Redis.
TIMEOUT_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Built:
    body: bytes
    cacheable: bool  # False when what was read had moved on from the key's inputs


def get_or_build(digest: str, build: Callable[[], Built]) -> bytes:
    key = PREFIX + digest
    body = cache.get(key)
    if isinstance(body, bytes):
        return body
    built = build()
    if built.cacheable:
        cache.set(key, built.body, TIMEOUT_SECONDS)
    return built.body
