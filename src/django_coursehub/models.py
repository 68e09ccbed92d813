"""Imports every domain model so Django discovers them under the ``coursehub`` label."""

from django_coursehub.accounts.models import Profile
from django_coursehub.catalog.models import Category, Course, Lesson, Section

__all__ = ["Category", "Course", "Lesson", "Profile", "Section"]
