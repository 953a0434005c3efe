"""Lesson prose reflowed and its inline code styled (tutor/ui/prose.py; issue 19)."""

from __future__ import annotations

from tutor.ui.prose import blocks, prose

TEXT = """A web session is how a server
remembers a browser.

The handler reads it with `await cookies()` and
`get('sessionId')`:
- Every request: read the cookie
  and look it up.
- No cookie: create one.

```ts
const a = 1;
  return a;
```
[bold]not markup[/bold] \x1b[31m
"""


def test_paragraphs_join_and_lists_and_code_keep_their_lines() -> None:
    assert blocks(TEXT) == [
        "A web session is how a server remembers a browser.",
        "",
        "The handler reads it with `await cookies()` and `get('sessionId')`:",
        "- Every request: read the cookie and look it up.",
        "- No cookie: create one.",
        "",
        "```ts",
        "const a = 1;",
        "  return a;",
        "```",
        "[bold]not markup[/bold] \x1b[31m",
    ]


def test_a_speaker_turn_starts_its_own_line() -> None:
    text = "Narrator: A browser visits.\nNarrator: The server\nanswers.\nIt is late: very."
    assert blocks(text) == ["Narrator: A browser visits.", "Narrator: The server answers. It is late: very."]


def test_inline_code_is_styled_without_backticks_and_nothing_is_markup() -> None:
    text = prose(TEXT, "underline")
    plain = text.plain
    assert "`" not in plain.split("```")[0]
    assert "await cookies()" in plain and "const a = 1;" in plain
    assert "[bold]not markup[/bold]" in plain and "\x1b" not in plain and "␛" in plain
    styled = {plain[s.start : s.end] for s in text.spans if str(s.style) == "underline"}
    assert styled == {"await cookies()", "get('sessionId')"}
