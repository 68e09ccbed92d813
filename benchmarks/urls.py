"""The benchmark site: our router at ``/api/``, plain Django at ``/plain/``, DRF at ``/drf/``."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from benchmarks import drf_views, plain_views
from django_coursehub.api import router as coursehub_router

api = NinjaAPI(title="django-coursehub benchmark", urls_namespace="coursehub-bench")
api.add_router("/", coursehub_router)

urlpatterns = [
    path("api/", api.urls),
    path("plain/courses/", plain_views.course_list, name="plain-course-list"),
    path("plain/courses/<int:course_id>/", plain_views.course_detail, name="plain-course-detail"),
    path("drf/courses/", drf_views.CourseListView.as_view(), name="drf-course-list"),
    path("drf/courses/<int:pk>/", drf_views.CourseDetailView.as_view(), name="drf-course-detail"),
]
