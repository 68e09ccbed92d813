"""Failed-login throttling per (username, client IP), kept in a Django cache.

An attempt is counted before its password is checked (``cache.add`` + ``cache.incr``, atomic
on the memcached, Redis and local-memory backends), so parallel guesses cannot slip past the
limit. A successful login clears the count; a failed one leaves its attempt counted.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import caches

from django_coursehub.conf import app_settings
from django_coursehub.exceptions import Throttled


def _keys(identifier: str, client_ip: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{identifier.casefold()}\n{client_ip}".encode()).hexdigest()
    return f"coursehub:login:{digest}:failures", f"coursehub:login:{digest}:until"


def reserve_login_attempt(identifier: str, client_ip: str) -> None:
    """Count one attempt; raise :class:`Throttled` if the limit for this window is used up."""
    cache = caches[app_settings.THROTTLE_CACHE]
    attempts_key, until_key = _keys(identifier, client_ip)
    window = app_settings.LOGIN_FAILURE_WINDOW
    # The window starts at the first attempt and is not extended by later ones.
    cache.add(until_key, time.time() + window, timeout=window)
    cache.add(attempts_key, 0, timeout=window)
    try:
        attempts = cache.incr(attempts_key)
    except ValueError:  # expired between add and incr
        cache.set(attempts_key, 1, timeout=window)
        attempts = 1
    if attempts > app_settings.LOGIN_FAILURE_LIMIT:
        until = cache.get(until_key, time.time() + window)
        raise Throttled(retry_after=max(1, int(until - time.time())))


def reset_login_failures(identifier: str, client_ip: str) -> None:
    caches[app_settings.THROTTLE_CACHE].delete_many(list(_keys(identifier, client_ip)))
