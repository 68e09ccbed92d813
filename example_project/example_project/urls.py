"""The demo site's URLs: the demo page at /, the course API under /api/, and the admin."""

from django.contrib import admin
from django.urls import path
from django.views.generic import TemplateView
from ninja import NinjaAPI

from django_coursehub.api import router as coursehub_router
from django_coursehub.json_urls import json_urls
from django_coursehub.renderers import UTF8JSONRenderer

api = NinjaAPI(title="django-coursehub demo", renderer=UTF8JSONRenderer())
api.add_router("/", coursehub_router)

urlpatterns = [
    # A static page that talks to the API like any frontend would (demo/static/demo/app.js).
    path("", TemplateView.as_view(template_name="demo/index.html"), name="home"),
    path("admin/", admin.site.urls),
    path("api/", json_urls(api)),
]
