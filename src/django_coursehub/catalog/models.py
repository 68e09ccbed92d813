from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from ordered_model.models import OrderedModel


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")
        ALL_LEVELS = "all", _("All levels")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=True)
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=50000, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="courses",
        null=True,
        blank=True,
        verbose_name=_("category"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coursehub_courses",
        verbose_name=_("instructor"),
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.ALL_LEVELS
    )
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Stored aggregates, kept exact by the services so lists cost a constant number of queries.
    lesson_count = models.PositiveIntegerField(_("lessons"), default=0, editable=False)
    enrollment_count = models.PositiveIntegerField(_("enrollments"), default=0, editable=False)
    rating_avg = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=Decimal("0"), editable=False
    )
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    rating_1_count = models.PositiveIntegerField(_("1-star ratings"), default=0, editable=False)
    rating_2_count = models.PositiveIntegerField(_("2-star ratings"), default=0, editable=False)
    rating_3_count = models.PositiveIntegerField(_("3-star ratings"), default=0, editable=False)
    rating_4_count = models.PositiveIntegerField(_("4-star ratings"), default=0, editable=False)
    rating_5_count = models.PositiveIntegerField(_("5-star ratings"), default=0, editable=False)
    # Derived search document (see catalog/search.py), rewritten whenever the course, its
    # category or its instructor is saved. On PostgreSQL a generated ``search_vector`` column
    # with a GIN index is computed from it (migration 0003).
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="coursehub_course_price_gte_0"),
            models.CheckConstraint(
                condition=Q(rating_avg__gte=0, rating_avg__lte=5),
                name="coursehub_course_rating_avg_0_5",
            ),
            models.CheckConstraint(
                condition=Q(
                    rating_count=F("rating_1_count")
                    + F("rating_2_count")
                    + F("rating_3_count")
                    + F("rating_4_count")
                    + F("rating_5_count")
                ),
                name="coursehub_course_rating_histogram_sums",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="coursehub_course_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="coursehub_course_published_has_date",
            ),
        ]
        # The public list reads published courses only: one partial index per ordering it
        # offers (each also serves range filters on its leading column) and per filter. The
        # default ordering's index is not partial, so that it also counts the published courses
        # on SQLite, which uses a partial index for ``status = %s`` only to read rows in order.
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"], name="coursehub_course_status_newest"
            ),
            models.Index(
                fields=["category", "-published_at", "-id"],
                condition=Q(status="published"),
                name="coursehub_course_pub_category",
            ),
            models.Index(
                fields=["-enrollment_count", "-id"],
                condition=Q(status="published"),
                name="coursehub_course_pub_popular",
            ),
            models.Index(
                fields=["-rating_avg", "-rating_count", "-id"],
                condition=Q(status="published"),
                name="coursehub_course_pub_rating",
            ),
            models.Index(
                fields=["price", "id"],
                condition=Q(status="published"),
                name="coursehub_course_pub_price",
            ),
            models.Index(
                Lower("title"),
                "id",
                condition=Q(status="published"),
                name="coursehub_course_pub_title",
            ),
            models.Index(
                fields=["level", "-published_at"],
                condition=Q(status="published"),
                name="coursehub_course_pub_level",
            ),
            models.Index(
                fields=["language", "-published_at"],
                condition=Q(status="published"),
                name="coursehub_course_pub_language",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def rating_histogram(self) -> dict[str, int]:
        """Number of reviews per star, ``{"1": n, ..., "5": n}``."""
        return {str(star): getattr(self, f"rating_{star}_count") for star in range(1, 6)}


class CatalogueTotals(models.Model):
    """Running totals of the catalogue, in one row, kept by the database itself.

    Triggers that migration 0006 installs on PostgreSQL and SQLite change them in the same
    transaction as every insert, status change or delete of a course, whatever made it (the
    services, the admin, a queryset ``update()`` or raw SQL), so the public course list reads its
    count instead of counting every published course. Where the row is missing (another
    database, or after the tables were truncated) the list counts, and
    ``manage.py coursehub_search_reindex`` writes it again.
    """

    TOTALS_ID = 1

    published_courses = models.BigIntegerField(_("published courses"), default=0)

    class Meta:
        verbose_name = _("catalogue totals")
        verbose_name_plural = _("catalogue totals")

    def __str__(self) -> str:
        return f"{self.published_courses} published courses"


class Section(OrderedModel):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sections", verbose_name=_("course")
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # django-ordered-model has no type hints; mypy reads its default None as the type.
    order_with_respect_to = "course"  # type: ignore[assignment]

    # Not a field: the ordered lessons, set by selectors.section_with_lessons.
    lesson_items: list[Lesson]

    class Meta(OrderedModel.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        indexes = [models.Index(fields=["course", "order"], name="coursehub_section_order")]

    def __str__(self) -> str:
        return self.title


class Lesson(OrderedModel):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        TEXT = "text", _("Text")
        FILE = "file", _("File")

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("section")
    )
    # Denormalised from the section so course-wide lesson queries need no join.
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("course")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    video_url = models.URLField(_("video URL"), max_length=500, blank=True)
    attachment_url = models.URLField(_("attachment URL"), max_length=500, blank=True)
    content = models.TextField(_("content"), max_length=200000, blank=True)
    duration = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    is_preview = models.BooleanField(_("free preview"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # django-ordered-model has no type hints; mypy reads its default None as the type.
    order_with_respect_to = "section"  # type: ignore[assignment]

    # Not a field: whether the caller may read content and URLs; set by the API before answering.
    body_visible: bool

    class Meta(OrderedModel.Meta):
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["video", "text", "file"]), name="coursehub_lesson_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["section", "order"], name="coursehub_lesson_order"),
            models.Index(fields=["course"], name="coursehub_lesson_course"),
        ]

    def __str__(self) -> str:
        return self.title
