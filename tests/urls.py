"""Mounts the package exactly as the installation guide tells users to."""

from django.contrib import admin
from django.urls import path
from ninja import NinjaAPI

from django_coursehub.api import router as coursehub_router

api = NinjaAPI(title="django-coursehub tests", urls_namespace="coursehub-tests")
api.add_router("/", coursehub_router)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
