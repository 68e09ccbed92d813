"""Failed-login throttling, kept in a Django cache, with two counters per attempt.

* Per identifier and client IP (``LOGIN_FAILURE_LIMIT``): stops one client guessing quickly
  without locking the account's owner out from elsewhere. A successful login clears it.
* Per account (``LOGIN_ACCOUNT_FAILURE_LIMIT``), whatever the address: bounds the guesses an
  attacker rotating through many addresses can make against one account. The username and the
  e-mail address of an account share it. A successful login takes back only its own attempt,
  so the owner logging in does not hand an attacker a fresh budget.

Both windows last ``LOGIN_FAILURE_WINDOW`` seconds from their first attempt. An attempt is
counted before its password is checked (``cache.add`` + ``cache.incr``, atomic on the memcached,
Redis and local-memory backends), so parallel guesses cannot slip past either limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import time

from django.core.cache import caches

from django_coursehub.conf import app_settings
from django_coursehub.exceptions import Throttled


def _keys(scope: str, subject: str) -> tuple[str, str]:
    digest = hashlib.sha256(subject.encode()).hexdigest()
    return f"coursehub:{scope}:{digest}:failures", f"coursehub:{scope}:{digest}:until"


def _client_keys(identifier: str, client_ip: str) -> tuple[str, str]:
    return _keys("login", f"{identifier.casefold()}\n{client_ip}")


def _account_keys(account: str) -> tuple[str, str]:
    return _keys("login-account", account)


def _reserve(keys: tuple[str, str], limit: int) -> None:
    cache = caches[app_settings.THROTTLE_CACHE]
    attempts_key, until_key = keys
    window = app_settings.LOGIN_FAILURE_WINDOW
    # The window starts at the first attempt and is not extended by later ones.
    cache.add(until_key, time.time() + window, timeout=window)
    cache.add(attempts_key, 0, timeout=window)
    try:
        attempts = cache.incr(attempts_key)
    except ValueError:  # expired between add and incr
        cache.set(attempts_key, 1, timeout=window)
        attempts = 1
    if attempts > limit:
        until = cache.get(until_key, time.time() + window)
        raise Throttled(retry_after=max(1, int(until - time.time())))


def reserve_login_attempt(identifier: str, client_ip: str, *, account: str) -> None:
    """Count one attempt; raise :class:`Throttled` if either limit for this window is used up.

    ``account`` names the account being tried, the same for each of its identifiers (an
    identifier that names no account is passed as its own name, so it is limited alike). An
    attempt refused by the per-client limit is not counted against the account, so one
    client hammering away cannot lock the owner out on its own.
    """
    _reserve(_client_keys(identifier, client_ip), app_settings.LOGIN_FAILURE_LIMIT)
    _reserve(_account_keys(account), app_settings.LOGIN_ACCOUNT_FAILURE_LIMIT)


def reset_login_failures(identifier: str, client_ip: str, *, account: str) -> None:
    """After a success: clear the client's count, take the attempt back from the account's."""
    cache = caches[app_settings.THROTTLE_CACHE]
    cache.delete_many(list(_client_keys(identifier, client_ip)))
    # ValueError: the account's window ended meanwhile, so there is nothing to take back.
    with contextlib.suppress(ValueError):
        cache.decr(_account_keys(account)[0])
