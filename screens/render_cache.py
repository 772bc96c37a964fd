"""A workaround for Textual 8.2.8 keeping every removed widget's rendered lines alive.

`StylesCache.get_inner_outer` (textual/_styles_cache.py) is an `lru_cache(1024)` on an
instance method, so each cache key holds a widget's StylesCache and, through it, the
widget's rendered lines (Strips, each with its own caches): after a day of forms opened
and closed the collector walked some 17,000 more objects for every review form ever
shown, and a full collection took 240 ms after 24 forms (Textualize/textual#6665). The
result depends only on the two colours, so the cache is keyed on them alone.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """The inner and outer background styles, as Textual's own method makes them."""
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return inner_outer(base_background, background)


def release_removed_widgets() -> None:
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
