"""Django settings for the benchmark site.

SQLite by default (a file per catalogue size, named by ``COURSEHUB_BENCH_SQLITE``); PostgreSQL when
``DATABASE_URL`` is set, e.g. ``postgresql://user:password@127.0.0.1:5432/coursehub_bench``.

The three implementations under test (django-coursehub at ``/api/``, plain Django views at
``/plain/``, Django REST Framework at ``/drf/``) share this one settings module, so they run
behind the same middleware, database connection settings and JSON encoder.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent

SECRET_KEY = "coursehub-benchmark-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
# UTC, so DRF (which renders datetimes in the current time zone) and django-ninja agree.
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
ROOT_URLCONF = "benchmarks.urls"
WSGI_APPLICATION = "benchmarks.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "ordered_model",
    "ninja_jwt",
    "ninja_jwt.token_blacklist",
    "rest_framework",
    "django_coursehub",
]

# A typical API site's stack; every implementation runs behind the same one.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

TEMPLATES: list[dict[str, Any]] = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}


def database_from_url(url: str) -> dict[str, Any]:
    """Django's DATABASES entry for a ``postgresql://user:password@host:port/name`` URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
        # Persistent connections, as any production site has (or a pooler in front).
        "CONN_MAX_AGE": None,
    }


def sqlite_database(path: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            # What Django recommends for SQLite under concurrent requests (two gunicorn
            # workers): WAL lets readers run beside a writer, IMMEDIATE avoids lock upgrades.
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {
    "default": (
        database_from_url(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_URL")
        else sqlite_database(
            os.environ.get("COURSEHUB_BENCH_SQLITE", str(BENCH_DIR / "data" / "coursehub.sqlite3"))
        )
    )
}

# Every security-relevant key explicitly: django-ninja-jwt would otherwise read same-named
# environment variables. Access tokens outlive a whole benchmark run.
NINJA_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=6),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "VERIFYING_KEY": "",
    "AUDIENCE": None,
    "ISSUER": None,
    "JWK_URL": None,
    "LEEWAY": 0,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "TOKEN_TYPE_CLAIM": "token_type",
    "JTI_CLAIM": "jti",
}

COURSEHUB = {"PAGE_SIZE": 20}

# The peer, configured as DRF projects usually are: page-number pagination of 20, JSON only.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
