from __future__ import annotations

from django_coursehub.catalog.schemas import CourseListItem, JsonDateTime
from django_coursehub.schemas import BodyId, InputSchema


class WishlistIn(InputSchema):
    course: BodyId


class WishlistCourseOut(CourseListItem):
    """A saved course's card, with when it was saved."""

    added_at: JsonDateTime
