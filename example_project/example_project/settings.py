"""Settings of the django-coursehub demo site.

Made for trying the API on a laptop: DEBUG is on and the secret key is public. SQLite is used
unless ``DATABASE_URL`` names a PostgreSQL database, e.g.
``DATABASE_URL=postgres://user:password@localhost:5432/coursehub``.

Two environment variables exist for tests that run the demo site in a throwaway place
(tests/browser does):

- ``COURSEHUB_DEMO_DATA_DIR``: the folder for the SQLite database and the media files (rendered
  certificates) instead of the example project's own folder;
- ``COURSEHUB_DEMO_ACCESS_TOKEN_SECONDS``: the lifetime of JWT access tokens in seconds
  (default 15 minutes), short to exercise a client's refresh path.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import django
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("COURSEHUB_DEMO_DATA_DIR") or BASE_DIR)

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "demo-only-insecure-key-3f9c1e7a5b2d4c6e8a0b1d3f5e7c9a2b4d6f8e0a"
)
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Optional: lets django-ninja serve the Swagger UI files itself instead of from a CDN.
    "ninja",
    "ordered_model",
    "ninja_jwt",
    "ninja_jwt.token_blacklist",
    "django_coursehub",
    "demo",
]

# Background tasks (notifications): Django 6 has the framework built in, 5.2 uses the
# django-tasks backport, an app. The immediate backend runs each task at once, after the
# commit, so the demo needs no worker; docs/notifications.md shows a real queue.
tasks_package = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
if tasks_package == "django_tasks":
    INSTALLED_APPS.append("django_tasks")
TASKS = {"default": {"BACKEND": f"{tasks_package}.backends.immediate.ImmediateBackend"}}

# Notification e-mails are printed to the console (MAILERS from Django 6.1, EMAIL_BACKEND
# before it).
console_email = "django.core.mail.backends.console.EmailBackend"
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": console_email}}
else:
    EMAIL_BACKEND = console_email
DEFAULT_FROM_EMAIL = "courses@localhost"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def database_from_url(url: str) -> dict[str, object]:
    """Django's DATABASES entry for a ``postgres://user:password@host:port/name`` URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
    }


DATABASES = {
    "default": (
        database_from_url(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_URL")
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "db.sqlite3"}
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uz", _("Uzbek")), ("ru", _("Russian"))]
TIME_ZONE = "Asia/Tashkent"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"

# Where uploaded files and rendered certificate PDFs are kept.
MEDIA_ROOT = DATA_DIR / "media"

# django-ninja-jwt reads process environment variables named like its keys (ALGORITHM,
# SIGNING_KEY, AUDIENCE...) for every key missing here, so every security-relevant key is set.
NINJA_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        seconds=int(os.environ.get("COURSEHUB_DEMO_ACCESS_TOKEN_SECONDS") or 15 * 60)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
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

# django-coursehub works with its defaults; the demo names the issuer of its certificates.
# Other keys you might change are shown commented out.
COURSEHUB = {
    "CERTIFICATE_ISSUER_NAME": "Coursehub Demo Akademiyasi",
    # "CERTIFICATE_VERIFY_URL": "https://academy.example/certificates/{code}",
    # "PAGE_SIZE": 20,
    # "MAX_PAGE_SIZE": 100,
    # "CURRENCIES": ["UZS", "USD", "EUR", "RUB"],
    # "DEFAULT_CURRENCY": "UZS",
    # "REGISTRATION_OPEN": True,
    # "NUM_PROXIES": 1,  # behind one reverse proxy that sets X-Forwarded-For
}
