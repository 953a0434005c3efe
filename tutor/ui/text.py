"""Showing lesson text literally.

Lesson files are written by authors (and may be hostile): their text must never be interpreted as Rich
or Textual markup, and terminal control sequences must not reach the terminal. :func:`literal` is the
only way lesson text gets onto the screen.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

TAB_SIZE = 4

# Bidirectional overrides and isolates can reorder what a reader sees ("Trojan Source"); zero-width
# characters hide text. They are shown as their code point.
_INVISIBLE = frozenset(
    {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
     0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF}
)


def _visible_char(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return ch
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ESC → ␛, BEL → ␇, CR → ␍
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0x80 <= code <= 0x9F:
        return f"\\x{code:02x}"
    if code in _INVISIBLE:
        return f"<U+{code:04X}>"
    return ch


def visible(s: str) -> str:
    """``s`` with tabs expanded and every control character replaced by a visible stand-in."""
    s = "\n".join(line.expandtabs(TAB_SIZE) for line in s.split("\n"))
    return "".join(_visible_char(c) for c in s)


def literal(s: str) -> Text:
    """Lesson text as a Rich ``Text``: no markup interpretation, control chars made visible, tabs expanded."""
    return Text(visible(s), end="", no_wrap=False)


def format_value(value: Any) -> str:
    """A step field or tracked variable as one line of text (full, not abbreviated)."""
    if value is None:
        return "—"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), sort_keys=False)


def format_value_full(value: Any) -> str:
    """A value for the full-value dialog: structured values pretty-printed."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return format_value(value)


def abbreviate(s: str, width: int = 24) -> str:
    """Shorten long values (tokens, IDs) in the middle with ``…``, keeping both ends recognisable."""
    s = " ".join(s.split("\n"))
    if len(s) <= width:
        return s
    tail = max(4, width // 4)
    head = width - tail - 1
    return f"{s[:head]}…{s[-tail:]}"
