"""A JSON renderer for the host's ``NinjaAPI`` that writes text as UTF-8.

django-ninja's default renderer escapes every non-ASCII character (``"\\u041a"``), like
``json.dumps``. Valid, but Cyrillic and Uzbek Latin text (``oʻ``, ``gʻ``) then costs six bytes
a character instead of two, and reads as noise in logs and in a browser's network panel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ninja.renderers import JSONRenderer


class UTF8JSONRenderer(JSONRenderer):
    """``NinjaAPI(renderer=UTF8JSONRenderer())``: answers keep their text as UTF-8."""

    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}
