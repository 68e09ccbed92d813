"""The demo site's URLs: the course API under /api/, the admin, and a redirect to the API docs."""

from django.contrib import admin
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView
from ninja import NinjaAPI

from django_coursehub.api import router as coursehub_router

api = NinjaAPI(title="django-coursehub demo")
api.add_router("/", coursehub_router)

urlpatterns = [
    path("", RedirectView.as_view(url=reverse_lazy("api-1.0.0:openapi-view")), name="home"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
