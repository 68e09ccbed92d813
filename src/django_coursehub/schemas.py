"""Input types and response shapes shared by every domain router."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django.utils.functional import Promise
from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetPydanticSchema,
    ModelWrapValidatorHandler,
    model_validator,
)
from pydantic_core import CoreSchema

# Primary keys are 64-bit; anything larger can only be unknown, and would overflow the database.
MAX_ID = 2**63 - 1


def _reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed.")
    return value


#: Refuses NUL characters, which PostgreSQL cannot store in text. Put it after the
#: ``StringConstraints`` of every string a request body carries.
NoNul = AfterValidator(_reject_nul)


def _not_nullable(source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
    schema = handler(source)
    if schema["type"] != "nullable":
        raise TypeError(f"Omittable cannot refuse null for {source!r}: {schema['type']} schema.")
    return schema["schema"]


_T = TypeVar("_T")

#: A field a client may leave out but may not send as ``null``: ``None`` in Python means
#: "not sent" (such fields default to ``None`` and are read with ``exclude_unset=True``),
#: while the request is validated, and documented, as a plain ``T``.
Omittable = Annotated[_T | None, GetPydanticSchema(_not_nullable)]


def _render_lazy(value: Any) -> Any:
    return str(value) if isinstance(value, Promise) else value


#: A human-readable message; a lazy translation is rendered in the request's language.
Message = Annotated[str, BeforeValidator(_render_lazy)]

#: An object id in a JSON body: a real integer (no ``true``, no ``"1"``), in range.
BodyId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
#: An object id in a path or query string (strings are parsed), in range.
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A 0-based position in an ordered list.
Position = Annotated[int, Field(strict=True, ge=0, le=1_000_000)]


class InputSchema(Schema):
    """Base of request bodies: only a JSON object is accepted.

    ninja's ``Schema`` reads fields as attributes of whatever it is given (calling callables),
    which suits responses built from models but lets a bare JSON string pass as a body
    (``"intro".title`` is a method of ``str``). This validator replaces ninja's, by name.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if not isinstance(values, dict):
            raise ValueError("The request body must be a JSON object.")
        return handler(values)


class UserRef(BaseModel):
    """A user as others see them; read from a user object or from a dict of these three keys."""

    id: int
    username: str
    full_name: str

    @model_validator(mode="before")
    @classmethod
    def _from_user(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        return {
            "id": value.pk,
            "username": value.username,
            "full_name": str(value.get_full_name()),
        }


class ErrorOut(Schema):
    """A failure: a human message, a stable code and, for bad input, messages per field.

    ``code`` is present on every error the package raises; django-ninja's own 401
    (``Unauthorized``) and 400 (``Cannot parse request body``) carry ``detail`` only.
    """

    detail: Message
    code: str | None = None
    errors: dict[str, list[str]] | None = None


class ValidationErrorOut(Schema):
    """django-ninja's answer to a request that does not match the operation's schema."""

    detail: list[dict[str, Any]] = Field(
        description="One entry per problem: `loc` (where), `msg` (what), `type` (a code)."
    )


def error_responses(*status_codes: int) -> dict[int, type[Schema]]:
    """The documented error responses of an operation; 422 is ninja's validation shape."""
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in (*status_codes, 422)}


class MessageOut(Schema):
    detail: Message
