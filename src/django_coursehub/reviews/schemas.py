from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from django_coursehub.schemas import (
    BodyId,
    InputSchema,
    NoNul,
    Omittable,
    PathId,
    UserRef,
    WholeNumber,
)

Rating = Annotated[int, Field(strict=True, ge=1, le=5), WholeNumber]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), NoNul]


class ReviewOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    user: UserRef
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime


class ReviewIn(InputSchema):
    course: BodyId
    rating: Rating
    comment: Comment = ""


class ReviewUpdateIn(InputSchema):
    """PUT and PATCH: only the fields sent change."""

    rating: Omittable[Rating] = None
    comment: Omittable[Comment] = None


class ReviewFilters(Schema):
    course: PathId | None = Field(None, description="Only the reviews of this course.")
