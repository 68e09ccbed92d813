from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from django_coursehub.catalog.schemas import CourseDetail, CourseListItem
from django_coursehub.learning.selectors import progress_of
from django_coursehub.schemas import BodyId, InputSchema, UserRef, WholeNumber

EnrollmentStatus = Literal["active", "completed", "cancelled", "refunded"]


class EnrollIn(InputSchema):
    course: BodyId


class PositionIn(InputSchema):
    position_seconds: Annotated[int, Field(strict=True, ge=0, le=10_000_000), WholeNumber]


class EnrollmentFilters(Schema):
    status: EnrollmentStatus | None = None


class ProgressOut(Schema):
    completed: int
    total: int
    percent: int = Field(description="Whole percent of the course's current lessons completed.")


class LessonRef(Schema):
    id: int
    title: str
    section: int = Field(alias="section_id")
    section_title: str

    @staticmethod
    def resolve_section_title(lesson: Any) -> str:
        return lesson.section.title


class EnrollmentOut(Schema):
    id: int
    course: CourseListItem
    status: EnrollmentStatus
    source: Literal["free", "purchase", "manual"]
    enrolled_at: datetime
    completed_at: datetime | None
    expires_at: datetime | None
    progress: ProgressOut

    @staticmethod
    def resolve_progress(enrollment: Any) -> Any:
        return progress_of(enrollment)


class MyEnrollmentOut(Schema):
    """The caller's own enrollment, as shown on a course page."""

    id: int
    status: EnrollmentStatus
    enrolled_at: datetime
    completed_at: datetime | None
    progress: ProgressOut

    @staticmethod
    def resolve_progress(enrollment: Any) -> Any:
        return progress_of(enrollment)


class CourseDetailForViewer(CourseDetail):
    """A course page: the outline, plus the caller's own enrollment and wishlist state."""

    enrollment: MyEnrollmentOut | None = Field(
        description="The caller's enrollment in this course (any status), or null."
    )
    in_wishlist: bool = Field(
        description="Whether the caller saved this course to their wishlist; false without a token."
    )


class MyCourseOut(EnrollmentOut):
    """A course I am learning: its card, my enrollment and progress, and what to do next."""

    next_lesson: LessonRef | None


class LessonProgressOut(Schema):
    id: int
    title: str
    section: int = Field(alias="section_id")
    completed: bool
    completed_at: datetime | None
    position_seconds: int


class CourseProgressOut(Schema):
    course: int
    enrollment: int
    status: EnrollmentStatus
    total_lessons: int
    completed_lessons: int
    percent: int
    completed_at: datetime | None
    next_lesson: LessonRef | None
    lessons: list[LessonProgressOut]


class CourseEnrollmentOut(Schema):
    """One learner of the owner's course."""

    id: int
    user: UserRef
    status: EnrollmentStatus
    source: Literal["free", "purchase", "manual"]
    enrolled_at: datetime
    completed_at: datetime | None
    progress: ProgressOut

    @staticmethod
    def resolve_progress(enrollment: Any) -> Any:
        return progress_of(enrollment)
