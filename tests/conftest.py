from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.core.files.storage import storages
from django.test import Client
from django.utils import translation

from django_coursehub import signals
from django_coursehub.accounts.tokens import token_pair_for_user
from tests.factories import InstructorFactory, StaffFactory, UserFactory


class ApiClient(Client):
    """A test client speaking JSON, optionally as a user (Bearer access token)."""

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        if user is not None:
            self.access = token_pair_for_user(user)["access"]
            self.defaults["HTTP_AUTHORIZATION"] = f"Bearer {self.access}"

    def _json(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        body = (
            data if isinstance(data, bytes | str) else json.dumps(data if data is not None else {})
        )
        return getattr(super(), method)(path, body, content_type="application/json", **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return self._json("post", path, data, **extra)

    def put(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return self._json("put", path, data, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return self._json("patch", path, data, **extra)


@pytest.fixture(autouse=True)
def _clear_caches() -> None:
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in ``LANGUAGE_CODE``.

    ``LocaleMiddleware`` leaves a request's language active in the thread after the answer, so a
    test calling services after another test's request in Russian would otherwise run in Russian.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient()


@pytest.fixture
def student(db: None) -> Any:
    return UserFactory()


@pytest.fixture
def instructor(db: None) -> Any:
    return InstructorFactory()


@pytest.fixture
def staff(db: None) -> Any:
    return StaffFactory()


#: Every provider enabled, with the keys of the protocols' published test vectors.
PAYMENT_SETTINGS: dict[str, dict[str, Any]] = {
    "payme": {"MERCHANT_ID": "587f72c72cac0d162c722ae2", "KEY": "TEST_KEY_123"},
    "click": {
        "SERVICE_ID": "12345",
        "MERCHANT_ID": "67890",
        "MERCHANT_USER_ID": "111",
        "SECRET_KEY": "SECRETKEY",
    },
    "stripe": {
        "SECRET_KEY": "sk_test_coursehub",
        "WEBHOOK_SECRET": "whsec_test_secret",
        "SUCCESS_URL": "https://shop.example/paid?order={order_id}",
        "CANCEL_URL": "https://shop.example/cancelled?order={order_id}",
    },
}


@pytest.fixture
def payments(settings: Any) -> dict[str, dict[str, Any]]:
    """Enable every payment provider (``settings.COURSEHUB["PAYMENTS"]``); returns that dict."""
    settings.COURSEHUB = {
        **(getattr(settings, "COURSEHUB", None) or {}),
        "PAYMENTS": copy.deepcopy(PAYMENT_SETTINGS),
    }
    return settings.COURSEHUB["PAYMENTS"]


@pytest.fixture
def order_signals() -> Iterator[list[tuple[str, Any]]]:
    """Every ``order_paid`` and ``order_refunded`` sent during the test (from any thread), as
    ``(name, order)``, in order."""
    received: list[tuple[str, Any]] = []

    def recorder(name: str) -> Any:
        return lambda sender, order, **kwargs: received.append((name, order))

    receivers = {name: recorder(name) for name in ("order_paid", "order_refunded")}
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver, weak=False)
    yield received
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)


@pytest.fixture
def certificate_storage(settings: Any) -> Any:
    """A fresh in-memory storage for certificate PDFs (alias ``certificates``)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "certificates": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.COURSEHUB = {"CERTIFICATE_STORAGE": "certificates"}
    return storages["certificates"]


@pytest.fixture
def api_as():
    """``api_as(user)`` returns a JSON client authenticated as ``user``."""
    return ApiClient


def pytest_sessionstart(session: pytest.Session) -> None:
    """On a PostgreSQL run, fail (CI) or skip (a laptop without PostgreSQL) when it is down."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at DATABASE_URL: {error}"
        if os.environ.get("COURSEHUB_REQUIRE_POSTGRES"):
            pytest.exit(message, returncode=1)
        pytest.exit(f"{message}\nSkipping the PostgreSQL run.", returncode=0)
