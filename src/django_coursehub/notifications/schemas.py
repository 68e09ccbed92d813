from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field, StrictBool

from django_coursehub.schemas import InputSchema


class NotificationCourseOut(Schema):
    id: int
    slug: str
    title: str


class NotificationLessonOut(Schema):
    id: int
    title: str


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    course: NotificationCourseOut | None
    lesson: NotificationLessonOut | None
    created_at: datetime
    read_at: datetime | None
    is_read: bool


class NotificationFilters(Schema):
    unread: bool | None = Field(
        None, description="`true`: only the unread ones; `false`: only the read ones."
    )


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications were unread and are now read.")


class PreferencesOut(Schema):
    email: dict[str, bool] = Field(description="Each kind: is it e-mailed?")
    in_app: dict[str, bool] = Field(description="Each kind: shown in the app (always).")


class PreferencesIn(InputSchema):
    email: dict[str, StrictBool] = Field(
        description="Kinds to change, each `true` or `false`; kinds left out keep their choice."
    )
