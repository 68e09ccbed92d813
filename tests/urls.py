"""Mounts the package exactly as the installation guide tells users to."""

from django.contrib import admin
from django.urls import path
from ninja import NinjaAPI

from django_coursehub.api import router as coursehub_router
from django_coursehub.json_urls import json_urls

api = NinjaAPI(title="django-coursehub tests", urls_namespace="coursehub-tests")
api.add_router("/", coursehub_router)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", json_urls(api)),
]
