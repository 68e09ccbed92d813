"""Production settings of the demo site: its settings hardened, secrets from the environment.

A starting point for your own deployment (see docs/security.md and docs/deployment.md). Run with
``DJANGO_SETTINGS_MODULE=example_project.settings_production`` and these environment variables:

* ``DJANGO_SECRET_KEY``: Django's signing key (sessions, password reset links, the admin).
* ``JWT_SIGNING_KEY``: the key API tokens are signed with; different from ``DJANGO_SECRET_KEY``,
  so that rotating one does not log every API client out or the other way round.
* ``DJANGO_ALLOWED_HOSTS``: comma-separated host names the site answers to.
* ``DATABASE_URL``: ``postgres://user:password@host:5432/name``.
* ``REDIS_URL``: ``redis://host:6379/0``, the cache every server process shares, so that login
  throttling counts all attempts, not one process's share of them.
* ``COURSEHUB_NUM_PROXIES`` (optional, default 1): reverse proxies in front of Django that append
  to ``X-Forwarded-For``.
* ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD`` and
  ``DJANGO_DEFAULT_FROM_EMAIL`` (optional): the SMTP server notification e-mails go through
  (default ``localhost:587``, with TLS).

``python manage.py check --deploy --fail-level WARNING`` passes with these settings.
"""

from __future__ import annotations

import os
from datetime import timedelta

import django
from django.core.exceptions import ImproperlyConfigured

from example_project.settings import *  # noqa: F403
from example_project.settings import COURSEHUB, NINJA_JWT, database_from_url


def required_environ(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The {name} environment variable must be set for production "
            "(see example_project/settings_production.py)."
        )
    return value


DEBUG = False

SECRET_KEY = required_environ("DJANGO_SECRET_KEY")
JWT_SIGNING_KEY = required_environ("JWT_SIGNING_KEY")
if JWT_SIGNING_KEY == SECRET_KEY:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from DJANGO_SECRET_KEY.")

ALLOWED_HOSTS = [
    host.strip() for host in required_environ("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()
]

DATABASES = {"default": {**database_from_url(required_environ("DATABASE_URL")), "CONN_MAX_AGE": 60}}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": required_environ("REDIS_URL"),
    }
}

# Every key stays explicit (django-ninja-jwt would read same-named environment variables).
NINJA_JWT = {
    **NINJA_JWT,
    "SIGNING_KEY": JWT_SIGNING_KEY,
    # Logout cannot revoke an access token before it expires: keep that window short.
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
}

COURSEHUB = {
    **COURSEHUB,
    "NUM_PROXIES": int(os.environ.get("COURSEHUB_NUM_PROXIES", "1")),
}

# HTTPS only. The proxy terminates TLS and must set X-Forwarded-Proto itself, overwriting any
# value a client sent; otherwise remove SECURE_PROXY_SSL_HEADER.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]
X_FRAME_OPTIONS = "DENY"

STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405

# Notification e-mails go out over SMTP (the demo only prints them). Django 6.1 configures
# mailers through MAILERS; earlier versions through the EMAIL_* settings.
SMTP_OPTIONS = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("EMAIL_PORT", "587")),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": True,
}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": SMTP_BACKEND, "OPTIONS": SMTP_OPTIONS}}
else:
    EMAIL_BACKEND = SMTP_BACKEND
    EMAIL_HOST = SMTP_OPTIONS["host"]
    EMAIL_PORT = SMTP_OPTIONS["port"]
    EMAIL_HOST_USER = SMTP_OPTIONS["username"]
    EMAIL_HOST_PASSWORD = SMTP_OPTIONS["password"]
    EMAIL_USE_TLS = True
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "courses@localhost")

# Errors, including the tracebacks of unexpected exceptions the API answers with a JSON 500,
# go to the server's standard error, where the process manager collects them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
