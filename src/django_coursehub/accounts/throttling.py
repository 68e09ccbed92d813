"""Failed-login throttling per (username, client IP), kept in a Django cache.

Counting uses ``cache.add`` + ``cache.incr``, which are atomic on the memcached, Redis and
local-memory backends, so parallel guesses cannot slip past the limit.
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


def check_login_allowed(identifier: str, client_ip: str) -> None:
    """Raise :class:`Throttled` while this username and IP are over the failure limit."""
    cache = caches[app_settings.THROTTLE_CACHE]
    failures_key, until_key = _keys(identifier, client_ip)
    values = cache.get_many([failures_key, until_key])
    if values.get(failures_key, 0) >= app_settings.LOGIN_FAILURE_LIMIT:
        until = values.get(until_key, time.time() + app_settings.LOGIN_FAILURE_WINDOW)
        raise Throttled(retry_after=max(1, int(until - time.time())))


def record_login_failure(identifier: str, client_ip: str) -> None:
    cache = caches[app_settings.THROTTLE_CACHE]
    failures_key, until_key = _keys(identifier, client_ip)
    window = app_settings.LOGIN_FAILURE_WINDOW
    # The window starts at the first failure and is not extended by later ones.
    cache.add(until_key, time.time() + window, timeout=window)
    cache.add(failures_key, 0, timeout=window)
    try:
        cache.incr(failures_key)
    except ValueError:  # expired between add and incr
        cache.set(failures_key, 1, timeout=window)


def reset_login_failures(identifier: str, client_ip: str) -> None:
    caches[app_settings.THROTTLE_CACHE].delete_many(list(_keys(identifier, client_ip)))
