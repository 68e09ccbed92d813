from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.schemas import BodyId, InputSchema, Position, text

Slug = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[-\w]+$")]
CourseSlug = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[-\w]+$")]
Price = Annotated[
    Decimal, Field(strict=False, ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False)
]
Level = Literal["beginner", "intermediate", "advanced", "all"]
LessonKind = Literal["video", "text", "file"]
Duration = Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
StrictBool = Annotated[bool, Field(strict=True)]


# Categories -------------------------------------------------------------------------------


class CategoryRef(Schema):
    id: int
    name: str
    slug: str


class CategoryOut(CategoryRef):
    description: str
    course_count: int


class CategoryIn(InputSchema):
    name: text(100, min_length=1)
    slug: Slug | None = None
    description: text(2000) = ""


class CategoryPatch(InputSchema):
    name: text(100, min_length=1) = None
    slug: Slug = None
    description: text(2000) = None


# Courses ----------------------------------------------------------------------------------


class InstructorRef(Schema):
    id: int
    username: str
    full_name: str

    @staticmethod
    def resolve_full_name(user: Any) -> str:
        return user.get_full_name()


class CourseListItem(Schema):
    id: int
    title: str
    slug: str
    short_description: str
    category: CategoryRef | None
    instructor: InstructorRef = Field(alias="owner")
    price: Decimal
    currency: str
    is_free: bool
    level: Level
    language: str
    status: Literal["draft", "published", "archived"]
    is_published: bool
    rating_avg: Decimal
    rating_count: int
    enrollment_count: int
    lesson_count: int
    created_at: datetime
    published_at: datetime | None


class LessonSummary(Schema):
    id: int
    title: str
    kind: LessonKind
    order: int
    duration: int
    is_preview: bool


class SectionOutline(Schema):
    id: int
    title: str
    order: int
    lessons: list[LessonSummary]

    @staticmethod
    def resolve_lessons(section: Any) -> list[Any]:
        return list(section.lessons.all())


class CourseDetail(CourseListItem):
    description: str
    updated_at: datetime
    total_duration: int
    sections: list[SectionOutline]

    @staticmethod
    def resolve_sections(course: Course) -> list[Any]:
        return course.outline

    @staticmethod
    def resolve_total_duration(course: Course) -> int:
        return sum(lesson.duration for s in course.outline for lesson in s.lessons.all())


class CourseIn(InputSchema):
    """Create (POST) or replace (PUT) a course; PUT leaves fields that are not sent unchanged."""

    title: text(200, min_length=1)
    slug: CourseSlug = None
    short_description: text(300) = ""
    description: text(50000) = ""
    category: BodyId | None = None
    price: Price = Decimal("0")
    currency: text(3, min_length=3) = None
    level: Level = "all"
    language: text(10, min_length=1) = None
    is_published: StrictBool = False


class CoursePatch(InputSchema):
    title: text(200, min_length=1) = None
    slug: CourseSlug = None
    short_description: text(300) = None
    description: text(50000) = None
    category: BodyId | None = None
    price: Price = None
    currency: text(3, min_length=3) = None
    level: Level = None
    language: text(10, min_length=1) = None
    is_published: StrictBool = None


# Sections ---------------------------------------------------------------------------------


class SectionOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    title: str
    order: int
    lesson_count: int
    duration: int


class SectionDetail(SectionOut):
    lessons: list[LessonSummary]

    @staticmethod
    def resolve_lessons(section: Any) -> list[Any]:
        return section.lesson_items

    @staticmethod
    def resolve_lesson_count(section: Any) -> int:
        return len(section.lesson_items)

    @staticmethod
    def resolve_duration(section: Any) -> int:
        return sum(lesson.duration for lesson in section.lesson_items)


class SectionIn(InputSchema):
    course: BodyId
    title: text(200, min_length=1)
    position: Position | None = Field(None, description="0-based; last when omitted.")


class SectionPatch(InputSchema):
    title: text(200, min_length=1) = None


class MoveIn(InputSchema):
    position: Position = Field(description="The new 0-based position.")


class LessonMoveIn(MoveIn):
    section: BodyId | None = Field(None, description="Another section of the same course.")


# Lessons ----------------------------------------------------------------------------------


class LessonOut(Schema):
    """A lesson; ``content``, ``video_url`` and ``attachment_url`` are null when locked."""

    id: int
    course: int = Field(alias="course_id")
    section: int = Field(alias="section_id")
    title: str
    kind: LessonKind
    order: int
    duration: int
    is_preview: bool
    is_locked: bool
    content: str | None
    video_url: str | None
    attachment_url: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_is_locked(lesson: Lesson) -> bool:
        return not lesson.body_visible

    @staticmethod
    def resolve_content(lesson: Lesson) -> str | None:
        return lesson.content if lesson.body_visible else None

    @staticmethod
    def resolve_video_url(lesson: Lesson) -> str | None:
        return lesson.video_url if lesson.body_visible else None

    @staticmethod
    def resolve_attachment_url(lesson: Lesson) -> str | None:
        return lesson.attachment_url if lesson.body_visible else None


class LessonIn(InputSchema):
    """Create (POST) or replace (PUT) a lesson; PUT leaves fields that are not sent unchanged."""

    section: BodyId
    title: text(200, min_length=1)
    kind: LessonKind = "text"
    video_url: text(500) = ""
    attachment_url: text(500) = ""
    content: text(200000, strip=False) = ""
    duration: Duration = 0
    is_preview: StrictBool = False
    position: Position | None = Field(None, description="0-based; last when omitted.")


class LessonPatch(InputSchema):
    title: text(200, min_length=1) = None
    kind: LessonKind = None
    video_url: text(500) = None
    attachment_url: text(500) = None
    content: text(200000, strip=False) = None
    duration: Duration = None
    is_preview: StrictBool = None


class SectionPut(InputSchema):
    title: text(200, min_length=1)


class LessonPut(LessonPatch):
    title: text(200, min_length=1)


class CourseFilters(Schema):
    category: text(120, min_length=1) | None = Field(None, description="Category id or slug.")
    instructor: Annotated[str, StringConstraints(pattern=r"^(me|[1-9][0-9]{0,17})$")] | None = (
        Field(None, description="Instructor id, or `me` for all of my own courses.")
    )
