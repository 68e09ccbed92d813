"""Keeps every course's stored search document exact, however its sources are saved.

A course's ``search_text`` holds its own text and the names of its category and instructor, so
it is refreshed when any of the three is saved: through the services, the admin or a host's own
code. Queryset ``update()``, ``bulk_create()`` and raw SQL send no signals: run
``manage.py coursehub_search_reindex`` after changing names that way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from django_coursehub.catalog import services
from django_coursehub.catalog.models import Category, Course

# Saves limited to these fields cannot change what a course is found by.
COURSE_FIELDS_NOT_SEARCHED = frozenset(
    field.name
    for field in Course._meta.concrete_fields
    if field.name not in ("title", "short_description", "description", "category", "owner")
)
# Logging in and changing a password save these alone; any other save may rename a user.
USER_FIELDS_NOT_SEARCHED = frozenset({"last_login", "password"})


def _touches(update_fields: Any, fields_not_searched: frozenset[str]) -> bool:
    return update_fields is None or not set(update_fields) <= fields_not_searched


@receiver(post_save, sender=Course, dispatch_uid="coursehub_course_search_refresh")
def refresh_course(
    sender: type[Course], instance: Course, raw: bool, update_fields: Any, **kwargs: Any
) -> None:
    if not raw and _touches(update_fields, COURSE_FIELDS_NOT_SEARCHED):
        services.course_search_refresh(courses=Course.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Category, dispatch_uid="coursehub_category_search_refresh")
def refresh_category_courses(
    sender: type[Category],
    instance: Category,
    raw: bool,
    created: bool,
    update_fields: Any,
    **kwargs: Any,
) -> None:
    if not raw and not created and (update_fields is None or "name" in update_fields):
        services.course_search_refresh(courses=Course.objects.filter(category=instance))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="coursehub_user_search_refresh")
def refresh_instructor_courses(
    sender: Any, instance: Any, raw: bool, created: bool, update_fields: Any, **kwargs: Any
) -> None:
    if not raw and not created and _touches(update_fields, USER_FIELDS_NOT_SEARCHED):
        services.course_search_refresh(courses=Course.objects.filter(owner=instance))
