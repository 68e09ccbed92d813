"""Input types and response shapes shared by every domain router."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

# Primary keys are 64-bit; anything larger can only be unknown, and would overflow the database.
MAX_ID = 2**63 - 1


def _reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed.")
    return value


def text(max_length: int, *, min_length: int = 0, strip: bool = True) -> Any:
    """A string without NUL characters that fits a column of ``max_length``."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=strip, min_length=min_length, max_length=max_length),
        AfterValidator(_reject_nul),
    ]


#: An object id in a JSON body: a real integer (no ``true``, no ``"1"``), in range.
BodyId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
#: An object id in a path or query string (strings are parsed), in range.
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A 0-based position in an ordered list.
Position = Annotated[int, Field(strict=True, ge=0, le=1_000_000)]


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] | None = None


class MessageOut(Schema):
    detail: str
