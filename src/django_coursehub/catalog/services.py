"""Catalogue state changes: categories, courses, sections and lessons.

Every change to a course's structure locks the course row first, so reorderings and the stored
``lesson_count`` stay exact under concurrent requests.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from django_coursehub import signals
from django_coursehub.catalog import search
from django_coursehub.catalog.models import CatalogueTotals, Category, Course, Lesson, Section
from django_coursehub.conf import app_settings
from django_coursehub.exceptions import Conflict, InvalidInput, NotFound
from django_coursehub.validators import validate_web_url

COURSE_FIELDS = (
    "title",
    "slug",
    "short_description",
    "description",
    "price",
    "currency",
    "level",
    "language",
)
SECTION_FIELDS = ("title",)
LESSON_FIELDS = (
    "title",
    "kind",
    "video_url",
    "attachment_url",
    "content",
    "duration",
    "is_preview",
)
SLUG_ATTEMPTS = 5


def _invalid(field: str, message: Any) -> InvalidInput:
    return InvalidInput(errors={field: [str(message)]})


def _unique_slug(model: type[Any], text: str, *, exclude_pk: int | None = None) -> str:
    max_length = model._meta.get_field("slug").max_length - 9
    base = slugify(text, allow_unicode=True)[:max_length].strip("-") or model._meta.model_name
    if not model.objects.filter(slug=base).exclude(pk=exclude_pk).exists():
        return base
    return f"{base}-{secrets.token_hex(4)}"


def _save_with_slug(obj: Any, *, slug_source: str, slug_given: bool) -> None:
    """Save ``obj``; a generated slug that loses a race is regenerated, a given one is a 409."""
    for _attempt in range(SLUG_ATTEMPTS):
        if not slug_given:
            obj.slug = _unique_slug(type(obj), slug_source, exclude_pk=obj.pk)
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError as error:
            if slug_given or not _slug_clash(obj):
                raise Conflict(
                    _("This slug or name is already taken."), code="duplicate"
                ) from error
    raise Conflict(_("Could not generate a unique slug; try again."), code="duplicate")


def _slug_clash(obj: Any) -> bool:
    return type(obj).objects.filter(slug=obj.slug).exclude(pk=obj.pk).exists()


# Categories -------------------------------------------------------------------------------


@transaction.atomic
def category_create(*, name: str, slug: str | None = None, description: str = "") -> Category:
    category = Category(name=name, slug=slug or "", description=description)
    _save_with_slug(category, slug_source=name, slug_given=bool(slug))
    return category


@transaction.atomic
def category_update(*, category: Category, changes: dict[str, Any]) -> Category:
    for name in ("name", "slug", "description"):
        if name in changes:
            setattr(category, name, changes[name])
    # A replacement that sends no slug (null) gets one generated from the name, as on create.
    _save_with_slug(category, slug_source=category.name, slug_given=bool(category.slug))
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete an empty category; one that still holds courses is a conflict."""
    try:
        with transaction.atomic():
            category.delete()
    except ProtectedError as error:
        raise Conflict(
            _("This category still has courses; move them first."), code="category_in_use"
        ) from error


# Courses ----------------------------------------------------------------------------------


def _validate_course(changes: dict[str, Any]) -> None:
    if "currency" in changes and changes["currency"] not in app_settings.CURRENCIES:
        raise _invalid("currency", _("Choose one of: %s.") % ", ".join(app_settings.CURRENCIES))
    if "language" in changes and changes["language"] not in app_settings.COURSE_LANGUAGES:
        raise _invalid(
            "language", _("Choose one of: %s.") % ", ".join(app_settings.COURSE_LANGUAGES)
        )
    category_id = changes.get("category_id")
    if category_id is not None and not Category.objects.filter(pk=category_id).exists():
        raise _invalid("category", _("Unknown category."))


def _apply_publication(course: Course, is_published: bool | None) -> None:
    if is_published is None:
        return
    if is_published:
        course.status = Course.Status.PUBLISHED
        course.published_at = course.published_at or timezone.now()
    elif course.status == Course.Status.PUBLISHED:
        course.status = Course.Status.DRAFT


@transaction.atomic
def course_create(
    *,
    owner: Any,
    title: str,
    slug: str | None = None,
    short_description: str = "",
    description: str = "",
    category_id: int | None = None,
    price: Decimal = Decimal("0"),
    currency: str | None = None,
    level: str = Course.Level.ALL_LEVELS,
    language: str | None = None,
    is_published: bool = False,
) -> Course:
    """Create a course owned by ``owner``: a draft unless ``is_published``."""
    fields: dict[str, Any] = {
        "title": title,
        "short_description": short_description,
        "description": description,
        "category_id": category_id,
        "price": price,
        "currency": currency or app_settings.DEFAULT_CURRENCY,
        "level": level,
        "language": language or app_settings.COURSE_LANGUAGES[0],
    }
    _validate_course(fields)
    course = Course(owner=owner, slug=slug or "", **fields)
    _apply_publication(course, is_published)
    _save_with_slug(course, slug_source=title, slug_given=bool(slug))
    return course


@transaction.atomic
def course_update(*, course: Course, changes: dict[str, Any]) -> Course:
    """Change the editable fields in ``changes``; owner, counters and ratings are not among them.

    ``is_published`` publishes or un-publishes; publishing an archived course restores it.
    """
    changes = dict(changes)
    if "category" in changes:
        changes["category_id"] = changes.pop("category")
    _validate_course(changes)
    course = _lock_course(course.pk)
    for name in (*COURSE_FIELDS, "category_id"):
        if name in changes:
            setattr(course, name, changes[name])
    _apply_publication(course, changes.get("is_published"))
    _save_with_slug(course, slug_source=course.title, slug_given=True)
    return Course.objects.select_related("category", "owner").get(pk=course.pk)


@transaction.atomic
def course_delete(*, course: Course) -> bool:
    """Delete a course nobody depends on; archive one that has learners, orders or certificates.

    Whatever depends on a course protects its row (``on_delete=PROTECT``), so the database
    decides. Returns True when the course was deleted, False when it was archived.
    """
    course = _lock_course(course.pk)
    try:
        with transaction.atomic():
            course.delete()
    except (ProtectedError, RestrictedError):
        course.status = Course.Status.ARCHIVED
        course.save(update_fields=["status", "updated_at"])
        return False
    return True


def _lock_course(course_id: int) -> Course:
    try:
        return Course.objects.select_for_update().get(pk=course_id)
    except Course.DoesNotExist as error:
        raise NotFound(_("Course not found.")) from error


def _current(model: type[Any], pk: int, not_found: Any) -> Any:
    """The row as it is now, read after its course is locked.

    Callers load objects before the lock, so theirs may be stale (moved or deleted meanwhile).
    A fresh instance, unlike ``refresh_from_db()``, also resets django-ordered-model's record of
    the original section, which its ``save()`` uses to close gaps.
    """
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist as error:
        raise NotFound(not_found) from error


def _current_section(section: Section) -> Section:
    return _current(Section, section.pk, _("Section not found."))


def _current_lesson(lesson: Lesson) -> Lesson:
    return _current(Lesson, lesson.pk, _("Lesson not found."))


def _recount_lessons(course: Course) -> None:
    course.lesson_count = Lesson.objects.filter(course=course).count()
    course.save(update_fields=["lesson_count", "updated_at"])


def _check_position(position: int, *, last: int) -> None:
    if position > last:
        raise _invalid("position", _("Position must be between 0 and %(last)d.") % {"last": last})


#: The relative moves of the admin's buttons: one place up or down, or to either end.
SHIFTS = ("top", "up", "down", "bottom")


@transaction.atomic
def outline_shift(*, item: Section | Lesson, move: str) -> Section | Lesson:
    """Move a section within its course, or a lesson within its section, one place up or down
    or to an end (``move``: one of ``SHIFTS``)."""
    if move not in SHIFTS:
        raise _invalid("move", _("Choose among: %(moves)s.") % {"moves": ", ".join(SHIFTS)})
    _lock_course(item.course_id)
    current = _current_section(item) if isinstance(item, Section) else _current_lesson(item)
    getattr(current, move)()
    return current


# Sections ---------------------------------------------------------------------------------


@transaction.atomic
def section_create(*, course: Course, title: str, position: int | None = None) -> Section:
    """Add a section to ``course``: last, or at the 0-based ``position``."""
    _lock_course(course.pk)
    section = Section(course=course, title=title)
    if position is not None:
        _check_position(position, last=Section.objects.filter(course=course).count())
    section.save()
    if position is not None:
        section.to(position)
    return section


@transaction.atomic
def section_update(*, section: Section, changes: dict[str, Any]) -> Section:
    _lock_course(section.course_id)
    section = _current_section(section)
    for name in SECTION_FIELDS:
        if name in changes:
            setattr(section, name, changes[name])
    section.save()
    return section


@transaction.atomic
def section_move(*, section: Section, position: int) -> Section:
    _lock_course(section.course_id)
    section = _current_section(section)
    _check_position(position, last=Section.objects.filter(course_id=section.course_id).count() - 1)
    section.to(position)
    return section


@transaction.atomic
def section_delete(*, section: Section) -> None:
    """Delete a section with its lessons; the remaining sections close the gap."""
    course = _lock_course(section.course_id)
    section = _current_section(section)
    section.delete()
    _recount_lessons(course)


# Lessons ----------------------------------------------------------------------------------


def _validate_lesson(changes: dict[str, Any]) -> None:
    for name in ("video_url", "attachment_url"):
        if changes.get(name):
            try:
                validate_web_url(changes[name])
            except ValidationError as error:
                raise _invalid(name, error.messages[0]) from error


@transaction.atomic
def lesson_create(
    *, section: Section, title: str, position: int | None = None, **fields: Any
) -> Lesson:
    """Add a lesson to ``section``: last, or at the 0-based ``position``."""
    _validate_lesson(fields)
    course = _lock_course(section.course_id)
    section = _current_section(section)
    lesson = Lesson(section=section, course=course, title=title)
    for name in LESSON_FIELDS:
        if name in fields:
            setattr(lesson, name, fields[name])
    if position is not None:
        _check_position(position, last=Lesson.objects.filter(section=section).count())
    lesson.save()
    if position is not None:
        lesson.to(position)
    _recount_lessons(course)
    if course.status == Course.Status.PUBLISHED:
        signals.send_on_commit(signals.lesson_published, sender=Lesson, lesson=lesson)
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, changes: dict[str, Any]) -> Lesson:
    _validate_lesson(changes)
    _lock_course(lesson.course_id)
    lesson = _current_lesson(lesson)
    for name in LESSON_FIELDS:
        if name in changes:
            setattr(lesson, name, changes[name])
    lesson.save()
    return lesson


@transaction.atomic
def lesson_move(*, lesson: Lesson, position: int, section: Section | None = None) -> Lesson:
    """Move a lesson to ``position`` within its section, or within another section of its course."""
    _lock_course(lesson.course_id)
    lesson = _current_lesson(lesson)
    if section is not None:
        section = _current_section(section)
    if section is not None and section.pk != lesson.section_id:
        if section.course_id != lesson.course_id:
            raise _invalid("section", _("A lesson can only move within its own course."))
        lesson.section = section
        lesson.save()
    _check_position(position, last=Lesson.objects.filter(section_id=lesson.section_id).count() - 1)
    lesson.to(position)
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    course = _lock_course(lesson.course_id)
    lesson = _current_lesson(lesson)
    lesson.delete()
    _recount_lessons(course)


# Search -----------------------------------------------------------------------------------

SEARCH_REFRESH_BATCH = 500


def course_search_document(course: Course) -> str:
    """The ``search_text`` that ``course`` should store, from its fields, category and owner."""
    return search.search_document(
        title=course.title,
        short_description=course.short_description,
        description=course.description,
        category=course.category.name if course.category is not None else "",
        instructor=search.instructor_names(course.owner),
    )


@transaction.atomic
def course_search_refresh(*, courses: QuerySet[Course]) -> int:
    """Rewrite the stored search document of ``courses`` where it is out of date.

    The rows are locked and read afresh, so a refresh that runs alongside an edit of the same
    course, its category or its instructor still ends with the latest text. Returns the number
    of courses whose document changed.
    """
    rows = (
        courses.select_for_update(of=("self",)).select_related("category", "owner").order_by("pk")
    )
    stale: list[Course] = []
    changed = 0
    for course in rows.iterator(chunk_size=SEARCH_REFRESH_BATCH):
        document = course_search_document(course)
        if document != course.search_text:
            course.search_text = document
            stale.append(course)
        if len(stale) == SEARCH_REFRESH_BATCH:
            changed += Course.objects.bulk_update(stale, ["search_text"])
            stale = []
    return changed + Course.objects.bulk_update(stale, ["search_text"])


@transaction.atomic
def course_recount(*, course: Course) -> None:
    """Recompute the stored lesson count (after bulk edits outside the services, e.g. admin)."""
    _recount_lessons(_lock_course(course.pk))


@transaction.atomic
def catalogue_totals_refresh() -> int:
    """Recount the published courses into :class:`CatalogueTotals` and return the count.

    The triggers keep the total exact on their own; this rebuilds it where the row went missing
    (the tables were truncated, or data was copied in without it). On PostgreSQL the course
    table is locked against writers meanwhile, so no change can slip between count and write.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Course._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
    total = Course.objects.filter(status=Course.Status.PUBLISHED).count()
    CatalogueTotals.objects.update_or_create(
        pk=CatalogueTotals.TOTALS_ID, defaults={"published_courses": total}
    )
    return total
