"""Input types and response shapes shared by every domain router."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext
from ninja import Schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    GetPydanticSchema,
    ModelWrapValidatorHandler,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from django_coursehub.validators import WEB_URL_PATTERN

# Primary keys are 64-bit; anything larger can only be unknown, and would overflow the database.
MAX_ID = 2**63 - 1


def _reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(gettext("NUL characters are not allowed."))
    return value


#: What the OpenAPI schema says of a string without NUL characters.
NO_NUL_PATTERN = "^[^\\x00]*$"
#: ... and of one that must not be blank either: it is stripped, then must keep a character.
NOT_BLANK_PATTERN = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"


def _refuses_blank(schema: CoreSchema) -> bool:
    """Whether a string schema strips whitespace and then requires a character."""
    inner: Any = schema.get("schema", schema)
    return bool(inner.get("strip_whitespace")) and inner.get("min_length", 0) >= 1


class _NoNulValidator:
    """Refuses NUL characters, and documents it as a ``pattern`` (when the string has none),
    so that clients and fuzzers read the rule in the schema instead of finding it by a 422."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(_reject_nul, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.setdefault(
            "pattern", NOT_BLANK_PATTERN if _refuses_blank(schema) else NO_NUL_PATTERN
        )
        return json_schema


#: Refuses NUL characters, which PostgreSQL cannot store in text. Put it after the
#: ``StringConstraints`` of every string a request carries.
NoNul = _NoNulValidator()


class OneOfSetting:
    """Documents a string that must be one of the values of a list setting (``COURSEHUB``),
    read when the OpenAPI schema is generated; the services validate the value."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        from django_coursehub.conf import app_settings

        json_schema = handler(schema)
        json_schema["enum"] = list(getattr(app_settings, self.setting))
        return json_schema


class OneOfSiteLanguages:
    """Documents a language code that must be one of Django's ``LANGUAGES`` (or ``""``, none
    chosen, when ``blank``), read when the OpenAPI schema is generated; the services validate
    the value."""

    def __init__(self, *, blank: bool = False) -> None:
        self.blank = blank

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        from django.conf import settings

        json_schema = handler(schema)
        codes = [code for code, _name in settings.LANGUAGES]
        json_schema["enum"] = ["", *codes] if self.blank else codes
        return json_schema


class DocumentedPattern:
    """Documents the ``pattern`` of a string that a service checks (a 400 naming the field, as
    for the rest of what Django's validators refuse), in place of the NUL-only one."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema


#: An optional web address (a video, an attachment, an avatar), stored in a 500-character
#: ``URLField``; the services check it with :func:`validators.validate_web_url`.
WebUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    NoNul,
    DocumentedPattern(WEB_URL_PATTERN),
]


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


def _whole_float_to_int(value: Any) -> Any:
    # JSON has a single number type: to JSON Schema (and to clients whose numbers are all
    # floats) 3.0 is the integer 3. Strings and booleans are still refused by the strict int.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Put after the ``Field(strict=True)`` of every integer a JSON body carries.
WholeNumber = BeforeValidator(_whole_float_to_int)

#: An object id in a JSON body: a real integer (no ``true``, no ``"1"``), in range.
BodyId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), WholeNumber]
#: An object id in a path or query string (strings are parsed), in range.
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A 0-based position in an ordered list.
Position = Annotated[int, Field(strict=True, ge=0, le=1_000_000), WholeNumber]


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
            raise ValueError(gettext("The request body must be a JSON object."))
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
    """The documented error responses of an operation; 422 is ninja's validation shape.

    413 is documented everywhere: every operation reads its body before anything else and
    answers a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with it (``api.refuse_oversized_bodies``).
    """
    codes = (*status_codes, 413, 422)
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in codes}


class MessageOut(Schema):
    detail: Message
