"""Making author text safe to print: control characters become visible stand-ins.

Lesson files are written by authors (and may be hostile). Whatever shows their text — the app through
:func:`tutor.ui.text.literal`, `tutor show` through :mod:`tutor.lesson.render` — passes it through
:func:`visible` first, so no escape sequence from a lesson ever reaches the terminal.
"""

from __future__ import annotations

__all__ = ["TAB_SIZE", "visible"]

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
