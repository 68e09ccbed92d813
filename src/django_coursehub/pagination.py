"""Page-number pagination answering ``{"items": [...], "count": N}``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

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


class Pageable(Protocol):
    """What :func:`paginate` reads: a ``QuerySet``, or anything that counts and slices alike."""

    def count(self) -> int: ...

    def __getitem__(self, page: slice) -> Iterable[Any]: ...


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


def paginate(
    queryset: Pageable,
    params: PageParams,
    *,
    when_empty: Callable[[], None] | None = None,
    read: Callable[[Any], list[Any]] = list,
) -> dict[str, Any]:
    """Return one page of ``queryset`` (two queries: a count and the page itself).

    ``when_empty`` runs when nothing matches at all, before any page is checked: it may raise
    to explain why (an unknown filter value, say). ``read`` turns the sliced page into its
    items (by default, a list of what the queryset yields).
    """
    page_size = min(params.page_size or app_settings.PAGE_SIZE, app_settings.MAX_PAGE_SIZE)
    count = queryset.count()
    if count == 0 and when_empty is not None:
        when_empty()
    offset = (params.page - 1) * page_size
    if params.page > 1 and offset >= count:
        raise NotFound(_("That page contains no results."), code="page_not_found")
    return {"items": read(queryset[offset : offset + page_size]), "count": count}
