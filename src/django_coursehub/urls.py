"""A ready URLconf for sites that have no NinjaAPI of their own.

``path("api/", include("django_coursehub.urls"))`` serves the whole API, its OpenAPI schema at
``openapi.json`` and Swagger UI at ``docs``; every other path below the prefix answers a JSON 404
(see :func:`django_coursehub.json_urls.json_urls`). Sites with a NinjaAPI mount
:data:`django_coursehub.api.router` in it instead.
"""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

import django_coursehub
from django_coursehub.api import router
from django_coursehub.json_urls import json_urls
from django_coursehub.renderers import UTF8JSONRenderer

api = NinjaAPI(
    title="django-coursehub",
    version=django_coursehub.__version__,
    urls_namespace="coursehub",
    renderer=UTF8JSONRenderer(),
)
api.add_router("/", router)

urlpatterns = [path("", json_urls(api))]
