"""Page-number pagination answering ``{"items": [...], "count": N}``."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from django_coursehub.conf import app_settings
from django_coursehub.exceptions import NotFound

T = TypeVar("T")

# Far beyond any real catalogue; keeps OFFSET arithmetic inside the database's integer range.
MAX_PAGE_NUMBER = 10_000_000


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE_NUMBER, description="1-based page number.")
    page_size: int | None = Field(
        None,
        ge=1,
        le=MAX_PAGE_NUMBER,
        description="Items per page; capped by COURSEHUB['MAX_PAGE_SIZE'].",
    )


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


def paginate(queryset: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """Return one page of ``queryset`` (two queries: a count and the page itself)."""
    page_size = min(params.page_size or app_settings.PAGE_SIZE, app_settings.MAX_PAGE_SIZE)
    count = queryset.count()
    offset = (params.page - 1) * page_size
    if params.page > 1 and offset >= count:
        raise NotFound(_("That page contains no results."), code="page_not_found")
    return {"items": list(queryset[offset : offset + page_size]), "count": count}
