"""The peer: the same course list and detail written as most Django course backends are.

Django REST Framework ``ModelSerializer``s with nested serializers, generic ``ListAPIView`` and
``RetrieveAPIView``, and ``PageNumberPagination``. The querysets are already tuned
(``select_related`` and ``prefetch_related``, the same number of queries as ours), so the
comparison measures the framework rather than an N+1. The pagination answers our
``{"items", "count"}`` shape so that the three implementations return the same JSON.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from django_coursehub.catalog.models import Category, Course, Lesson, Section


class ItemsPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        return Response({"items": data, "count": self.page.paginator.count})


class CategoryRefSerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class UserRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


class CourseCardSerializer(serializers.ModelSerializer[Course]):
    category = CategoryRefSerializer(allow_null=True, read_only=True)
    instructor = UserRefSerializer(source="owner", read_only=True)
    is_free = serializers.BooleanField(read_only=True)
    is_published = serializers.BooleanField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "slug",
            "short_description",
            "category",
            "instructor",
            "price",
            "currency",
            "is_free",
            "level",
            "language",
            "status",
            "is_published",
            "rating_avg",
            "rating_count",
            "enrollment_count",
            "lesson_count",
            "created_at",
            "published_at",
        ]


class LessonSummarySerializer(serializers.ModelSerializer[Lesson]):
    class Meta:
        model = Lesson
        fields = ["id", "title", "kind", "order", "duration", "is_preview"]


class SectionOutlineSerializer(serializers.ModelSerializer[Section]):
    lessons = LessonSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "title", "order", "lessons"]


class CourseDetailSerializer(CourseCardSerializer):
    total_duration = serializers.SerializerMethodField()
    rating_histogram = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    sections = SectionOutlineSerializer(many=True, read_only=True)
    enrollment = serializers.SerializerMethodField()
    in_wishlist = serializers.SerializerMethodField()

    class Meta(CourseCardSerializer.Meta):
        fields = [
            *CourseCardSerializer.Meta.fields,
            "description",
            "updated_at",
            "total_duration",
            "rating_histogram",
            "sections",
            "enrollment",
            "in_wishlist",
        ]

    def get_total_duration(self, course: Course) -> int:
        return sum(
            lesson.duration for section in course.sections.all() for lesson in section.lessons.all()
        )

    def get_enrollment(self, course: Course) -> None:
        # Anonymous callers, the case measured, have no enrollment.
        return None

    def get_in_wishlist(self, course: Course) -> bool:
        # Nor a wishlist.
        return False


def _published() -> QuerySet[Course]:
    return Course.objects.filter(status=Course.Status.PUBLISHED).select_related("category", "owner")


class CourseListView(generics.ListAPIView[Course]):
    """``GET /drf/courses/?page=N``: published courses, newest first, 20 a page."""

    serializer_class = CourseCardSerializer
    pagination_class = ItemsPagination

    def get_queryset(self) -> QuerySet[Course]:
        return _published().order_by("-published_at", "-id")


class CourseDetailView(generics.RetrieveAPIView[Course]):
    """``GET /drf/courses/<id>/``: one published course with its ordered outline."""

    serializer_class = CourseDetailSerializer

    def get_queryset(self) -> QuerySet[Course]:
        sections = Section.objects.order_by("order").prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.order_by("order"))
        )
        return _published().prefetch_related(Prefetch("sections", queryset=sections))
