from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext
from ninja import Schema
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.catalog.selectors import course_card_of
from django_coursehub.pagination import Page
from django_coursehub.schemas import (
    BodyId,
    InputSchema,
    NoNul,
    Omittable,
    OneOfSetting,
    Position,
    UserRef,
    WebUrl,
    WholeNumber,
)

Slug = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[-\w]+$")]
CourseSlug = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[-\w]+$")]


class PlainDecimal:
    """A decimal written as a whole JSON number or as a string of plain digits matching
    ``pattern`` (no sign, exponent, spaces or digit separators); documents both.

    A JSON number with a fraction is refused: a float cannot say "99.90" exactly, and JSON
    Schema cannot state "at most 2 decimals" of one, so amounts with decimals are strings.
    """

    def __init__(self, *, pattern: str, maximum: int) -> None:
        self.pattern = re.compile(pattern)
        self.maximum = maximum

    def _plain(self, value: Any) -> Any:
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(
                    gettext('A number with decimals is written as a string, such as "4.50".')
                )
            return int(value)
        if isinstance(value, str) and self.pattern.fullmatch(value) is None:
            raise ValueError(
                gettext(
                    'A number is written in plain digits, with up to 2 decimals, such as "4.50".'
                )
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self._plain, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        for branch in json_schema.get("anyOf", []):
            if branch.get("type") == "number":
                branch.update(type="integer", minimum=0, maximum=self.maximum)
            elif branch.get("type") == "string":
                branch["pattern"] = self.pattern.pattern
        return json_schema


#: A price: 0 to 9,999,999,999.99, what ``Course.price`` (12 digits, 2 of them decimals)
#: stores; a whole JSON number or a string (``"150000"``, ``"99.90"``).
Price = Annotated[
    Decimal,
    Field(
        strict=False,
        ge=0,
        le=Decimal("9999999999.99"),
        max_digits=12,
        decimal_places=2,
        allow_inf_nan=False,
    ),
    PlainDecimal(pattern=r"^[0-9]{1,10}(?:\.[0-9]{1,2})?$", maximum=9999999999),
]
Level = Literal["beginner", "intermediate", "advanced", "all"]
LessonKind = Literal["video", "text", "file"]
Duration = Annotated[int, Field(strict=True, ge=0, le=10_000_000), WholeNumber]
StrictBool = Annotated[bool, Field(strict=True)]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]
CategoryName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul
]
CategoryDescription = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), NoNul
]
CategoryIdOrSlug = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), NoNul
]
ShortDescription = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300), NoNul]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50000), NoNul]
Currency = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=3),
    NoNul,
    OneOfSetting("CURRENCIES"),
]
LanguageCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=10),
    NoNul,
    OneOfSetting("COURSE_LANGUAGES"),
]
#: Lesson content is stored exactly as sent: its whitespace is not stripped.
LessonContent = Annotated[str, StringConstraints(max_length=200000), NoNul]


# Categories -------------------------------------------------------------------------------


class CategoryRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    slug: str


class CategoryOut(CategoryRef):
    description: str
    course_count: int


class CategoryIn(InputSchema):
    name: CategoryName
    slug: Slug | None = None
    description: CategoryDescription = ""


class CategoryPatch(InputSchema):
    name: Omittable[CategoryName] = None
    slug: Omittable[Slug] = None
    description: Omittable[CategoryDescription] = None


# Courses ----------------------------------------------------------------------------------


# The read shapes below are plain pydantic models fed with dicts that the selectors build from
# ``.values()`` rows: a page of cards or a course outline then costs no model instances and no
# per-attribute lookups (see docs/performance.md). Their decimals and times are turned into
# JSON text by pydantic, exactly as Django's JSON encoder writes them, so the response renderer
# does not call back into Python for each of them.
_DJANGO_JSON = DjangoJSONEncoder()
JsonDecimal = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal"}),
]
JsonDateTime = Annotated[
    datetime,
    PlainSerializer(_DJANGO_JSON.default, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class CourseListItem(BaseModel):
    """A course card; read from a dict (:func:`selectors.course_card`) or from a course."""

    id: int
    title: str
    slug: str
    short_description: str
    category: CategoryRef | None
    instructor: UserRef
    price: JsonDecimal
    currency: str
    is_free: bool
    level: Level
    language: str
    status: Literal["draft", "published", "archived"]
    is_published: bool
    rating_avg: JsonDecimal
    rating_count: int
    enrollment_count: int
    lesson_count: int
    created_at: JsonDateTime
    published_at: JsonDateTime | None

    @model_validator(mode="before")
    @classmethod
    def _from_course(cls, value: Any) -> Any:
        return course_card_of(value) if isinstance(value, Course) else value


class LessonSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    kind: LessonKind
    order: int
    duration: int
    is_preview: bool


class SectionOutline(BaseModel):
    id: int
    title: str
    order: int
    lessons: list[LessonSummary]


class CourseDetail(CourseListItem):
    """A course page, read from the dict :func:`selectors.course_detail` builds."""

    description: str
    updated_at: JsonDateTime
    total_duration: int
    rating_histogram: dict[str, int] = Field(
        description='Reviews per star: `{"1": n, "2": n, "3": n, "4": n, "5": n}`.'
    )
    sections: list[SectionOutline]


class CourseIn(InputSchema):
    """Create (POST) or replace (PUT) a course; PUT leaves fields that are not sent unchanged."""

    title: Title
    slug: Omittable[CourseSlug] = None
    short_description: ShortDescription = ""
    description: Description = ""
    category: BodyId | None = None
    price: Price = Decimal("0")
    currency: Omittable[Currency] = None
    level: Level = "all"
    language: Omittable[LanguageCode] = None
    is_published: StrictBool = False


class CoursePatch(InputSchema):
    title: Omittable[Title] = None
    slug: Omittable[CourseSlug] = None
    short_description: Omittable[ShortDescription] = None
    description: Omittable[Description] = None
    category: BodyId | None = None
    price: Omittable[Price] = None
    currency: Omittable[Currency] = None
    level: Omittable[Level] = None
    language: Omittable[LanguageCode] = None
    is_published: Omittable[StrictBool] = None


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
    title: Title
    position: Position | None = Field(None, description="0-based; last when omitted.")


class SectionPatch(InputSchema):
    title: Omittable[Title] = None


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
    title: Title
    kind: LessonKind = "text"
    video_url: WebUrl = ""
    attachment_url: WebUrl = ""
    content: LessonContent = ""
    duration: Duration = 0
    is_preview: StrictBool = False
    position: Position | None = Field(None, description="0-based; last when omitted.")


class LessonPatch(InputSchema):
    title: Omittable[Title] = None
    kind: Omittable[LessonKind] = None
    video_url: Omittable[WebUrl] = None
    attachment_url: Omittable[WebUrl] = None
    content: Omittable[LessonContent] = None
    duration: Omittable[Duration] = None
    is_preview: Omittable[StrictBool] = None


class SectionPut(InputSchema):
    title: Title


class LessonPut(LessonPatch):
    title: Title


SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NoNul]
#: An average rating, 0 to 5 with up to 2 decimals (``4``, ``"4.25"``).
Rating = Annotated[
    Decimal,
    Field(ge=0, le=5, max_digits=3, decimal_places=2, allow_inf_nan=False),
    PlainDecimal(pattern=r"^(?:[0-4](?:\.[0-9]{1,2})?|5(?:\.00?)?)$", maximum=5),
]
Ordering = Literal["relevance", "newest", "popular", "rating", "price", "-price", "title"]


class CourseFilters(Schema):
    """The course list's query parameters; every filter given must match (AND)."""

    q: SearchText | None = Field(
        None,
        description="Search words, matched as word prefixes in the title, descriptions, "
        "category and instructor names; results come most relevant first.",
    )
    category: CategoryIdOrSlug | None = Field(None, description="Category id or slug.")
    instructor: Annotated[str, StringConstraints(pattern=r"^(me|[1-9][0-9]{0,17})$")] | None = (
        Field(None, description="Instructor id, or `me` for all of my own courses.")
    )
    min_rating: Rating | None = Field(None, description="Lowest average rating, 0 to 5.")
    price: Literal["free", "paid"] | None = Field(None, description="Free or paid courses only.")
    min_price: Price | None = Field(None, description="Lowest price (the amount, any currency).")
    max_price: Price | None = Field(None, description="Highest price (the amount, any currency).")
    level: Level | None = None
    language: LanguageCode | None = Field(None, description="One of COURSE_LANGUAGES.")
    ordering: Ordering | None = Field(
        None,
        description="`relevance` (the default with `q`), `newest` (the default without), "
        "`popular`, `rating`, `price`, `-price` or `title`.",
    )
    facets: bool = Field(False, description="Also count the matches per facet (`facets`).")


class CategoryFacet(Schema):
    id: int
    name: str
    slug: str
    count: int


class ValueFacet(Schema):
    value: str
    count: int


class CourseFacets(Schema):
    """Numbers of matching courses per value; values without a match are left out."""

    category: list[CategoryFacet]
    level: list[ValueFacet]
    language: list[ValueFacet]
    price: list[ValueFacet] = Field(description="`free` and `paid`.")


class CoursePage(Page[CourseListItem]):
    facets: CourseFacets | None = Field(None, description="Only with `facets=true`.")
