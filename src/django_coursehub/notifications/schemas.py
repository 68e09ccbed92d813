from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, GetJsonSchemaHandler, StrictBool
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from django_coursehub.notifications.models import Notification
from django_coursehub.schemas import InputSchema


class _PerKind:
    """Documents a ``{kind: bool}`` object with the notification kinds as its only properties,
    every one of them (``every``) or any of them."""

    def __init__(self, *, every: bool) -> None:
        self.every = every

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        kinds = list(Notification.Kind.values)
        json_schema["properties"] = {kind: {"type": "boolean"} for kind in kinds}
        json_schema["additionalProperties"] = False
        if self.every:
            json_schema["required"] = kinds
        return json_schema


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
    email: Annotated[dict[str, bool], _PerKind(every=True)] = Field(
        description="Each kind: is it e-mailed?"
    )
    in_app: Annotated[dict[str, bool], _PerKind(every=True)] = Field(
        description="Each kind: shown in the app (always)."
    )


class PreferencesIn(InputSchema):
    # A kind outside Notification.Kind is refused by the service (400 `unknown_kind`, naming
    # it), like the other values the schema lists but only the service checks.
    email: Annotated[dict[str, StrictBool], _PerKind(every=False)] = Field(
        description="Kinds to change, each `true` or `false`; kinds left out keep their choice."
    )
