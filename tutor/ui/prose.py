"""Lesson prose (a snapshot, a transcript) as Rich text: paragraphs reflowed, inline code styled.

A lesson file is wrapped by its author at some column; shown as typed, those hard line breaks make ragged
text in a terminal of another width. :func:`prose` joins the lines of a paragraph (blank lines separate
paragraphs) so the widget wraps them to its width, and keeps what is laid out by line: fenced code blocks
(```), indented lines, list items (``- ``, ``* ``, ``1. ``) and a speaker's turn (``Narrator: ``; a continuation line joins its item or turn) and a line
ending in ``:`` before a list. Text between backticks is shown without them, in ``code_style``. Every piece
goes through :func:`tutor.ui.text.literal` (``visible()``): lesson text is never read as markup.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

from tutor.ui.text import literal

#: A line that starts a block of its own: a list item, or a speaker's turn (``Narrator: ...``).
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)]|[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)?:)\s+")
_CODE = re.compile(r"`([^`\n]+)`")


def _inline(line: str, code_style: Style | str) -> Text:
    """One line with its `code` spans styled (the backticks dropped)."""
    out = Text(end="")
    at = 0
    for m in _CODE.finditer(line):
        out.append_text(literal(line[at : m.start()]))
        code = literal(m.group(1))
        code.stylize(code_style)
        out.append_text(code)
        at = m.end()
    out.append_text(literal(line[at:]))
    return out


def blocks(text: str) -> list[str]:
    """The text's lines after reflowing: one entry per paragraph, list item, code or blank line."""
    out: list[str] = []
    para: list[str] = []
    fenced = False

    def flush() -> None:
        if para:
            out.append(" ".join(part.strip() for part in para))
            para.clear()

    for line in text.rstrip("\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            fenced = not fenced
            out.append(line)
            continue
        if fenced or (line[:1] in (" ", "\t") and not para and stripped and not _ITEM.match(line)):
            flush()
            out.append(line)
            continue
        if not stripped:
            flush()
            out.append("")
            continue
        if _ITEM.match(line):
            flush()
            para.append(line.rstrip())
            continue
        para.append(line)
        if stripped.endswith(":"):
            flush()
    flush()
    return out


def prose(text: str, code_style: Style | str = "bold") -> Text:
    """``text`` reflowed (see :func:`blocks`) as one Rich ``Text``; code blocks are kept as typed."""
    lines: list[Text] = []
    fenced = False
    for line in blocks(text):
        if line.strip().startswith("```"):
            fenced = not fenced
            lines.append(literal(line))
        elif fenced:
            lines.append(literal(line))
        else:
            lines.append(_inline(line, code_style))
    return Text("\n", end="").join(lines)


__all__ = ["blocks", "prose"]
