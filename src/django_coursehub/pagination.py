"""Page-number pagination answering ``{"items": [...], "count": N}``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

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


@runtime_checkable
class CountedPages(Protocol):
    """A source that reads a page and the total count together (see ``SearchResults``)."""

    def counted_page(self, offset: int, limit: int) -> tuple[Iterable[Any], int]: ...


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


def paginate(
    queryset: Pageable | CountedPages,
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
    offset = (params.page - 1) * page_size

    def check(count: int) -> None:
        if count == 0 and when_empty is not None:
            when_empty()
        if params.page > 1 and offset >= count:
            raise NotFound(_("That page contains no results."), code="page_not_found")

    if isinstance(queryset, CountedPages):
        page, count = queryset.counted_page(offset, page_size)
        check(count)
        return {"items": read(page), "count": count}
    count = queryset.count()
    check(count)
    return {"items": read(queryset[offset : offset + page_size]), "count": count}
