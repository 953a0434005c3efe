"""Showing lesson text literally.

Lesson files are written by authors (and may be hostile): their text must never be interpreted as Rich
or Textual markup, and terminal control sequences must not reach the terminal. The one function that
makes text safe is :func:`tutor.lesson.visible.visible`; :func:`literal` only wraps its result in a Rich
``Text`` (which parses no markup), the form widgets take.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

from tutor.lesson.loader import format_value as _format_trace_value
from tutor.lesson.visible import visible


def literal(s: str) -> Text:
    """``visible(s)`` as a Rich ``Text``: no markup interpretation, control chars made visible, tabs expanded."""
    return Text(visible(s), end="", no_wrap=False)


def format_value(value: Any, name: str | None = None) -> str:
    """A step field or tracked variable (``name``) as one line of text (full, not abbreviated).

    The one spelling shared with `tutor show` and with the checks of trace questions
    (:func:`tutor.lesson.loader.format_value`), so the table never disagrees with a quiz answer.
    """
    return _format_trace_value(value, name)


def format_value_full(value: Any, name: str | None = None) -> str:
    """A value for the full-value dialog: structured values pretty-printed."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return format_value(value, name)


def abbreviate(s: str, width: int = 24) -> str:
    """Shorten long values (tokens, IDs) in the middle with ``…``, keeping both ends recognisable."""
    s = " ".join(s.split("\n"))
    if len(s) <= width:
        return s
    tail = max(4, width // 4)
    head = width - tail - 1
    return f"{s[:head]}…{s[-tail:]}"


def count(n: int, noun: str) -> str:
    """``1 event``, ``3 events``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
