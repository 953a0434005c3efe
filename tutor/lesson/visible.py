"""The one way author- or scenario-supplied text reaches any output: :func:`visible`.

Lesson and scenario files are written by authors (and may be hostile). Everything that shows their text —
the app (:func:`tutor.ui.text.literal` wraps the result in a Rich ``Text``, which parses no markup), every
`tutor` command (through :mod:`tutor.commands.common`), `tutor show` (:mod:`tutor.lesson.render`) — passes
it through :func:`visible` first, so no escape sequence, control character or invisible reordering
character from a file ever reaches a terminal, and markup is never interpreted (the result is plain text
that each output shows as plain text).

:func:`dumps` is the JSON spelling of the same rule: values stay exact, but the characters
:func:`visible` would replace are written as ``\\uXXXX`` escapes, so JSON on a terminal is inert too.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["TAB_SIZE", "dumps", "is_hidden", "visible"]

TAB_SIZE = 4

# Bidirectional overrides, isolates and marks can reorder what a reader sees ("Trojan Source"); zero-width
# characters, the soft hyphen and the BOM hide text. They are all format characters (Unicode category Cf),
# like U+2028/U+2029 (Zl, Zp): shown as their code point. These are their ranges in Unicode 15; a test
# checks that they cover every such character the running Python knows.
_FORMAT_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)

# Every hidden character as one regex class: C0 except the newline, DEL, C1, then the format ranges.
_HIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _FORMAT_RANGES) + "]"
)


def is_hidden(ch: str) -> bool:
    """``ch`` is a control character (C0 but ``\\n``, DEL, C1) or an invisible format character."""
    return _HIDDEN.match(ch) is not None


def _visible_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ESC → ␛, BEL → ␇, CR → ␍
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def visible(s: str) -> str:
    """``s`` with tabs expanded and every control or invisible format character replaced by a visible
    stand-in (``␛``, ``\\x9b``, ``<U+202E>``). Newlines are kept; nothing else changes."""
    if "\t" in s:
        s = "\n".join(line.expandtabs(TAB_SIZE) for line in s.split("\n"))
    return _HIDDEN.sub(lambda m: _visible_char(m.group()), s)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """``value`` as JSON (UTF-8 text kept readable) with every hidden character written as an escape."""
    return escape_json(json.dumps(value, indent=indent, ensure_ascii=False))


def escape_json(text: str) -> str:
    """JSON text (from any encoder) with every hidden character written as a ``\\uXXXX`` escape.
    Outside strings JSON has only spaces and newlines, so every hidden character is inside a string."""
    return _HIDDEN.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells a character outside the BMP as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
