"""Keeps learners' progress exact when lessons disappear, however they are deleted."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from django_coursehub.catalog.models import Lesson
from django_coursehub.learning import services


@receiver(pre_delete, sender=Lesson, dispatch_uid="coursehub_lesson_progress_detach")
def detach_progress(sender: type[Lesson], instance: Lesson, **kwargs: Any) -> None:
    services.lesson_progress_detach(lesson=instance)


@receiver(post_delete, sender=Lesson, dispatch_uid="coursehub_course_completions_settle")
def settle_completions(sender: type[Lesson], instance: Lesson, **kwargs: Any) -> None:
    services.course_completions_settle(course_id=instance.course_id)
