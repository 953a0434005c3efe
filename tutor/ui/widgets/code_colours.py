"""A code sample's colours: Pygments through Rich's ANSI themes, kept in the cache between launches.

Highlighting costs ~30 ms CPU on the first sample of a launch (importing Pygments, finding the lexer,
compiling its regular expressions), more than the rest of the walkthrough's first frame's rendering. So
the result is kept: ``<cache>/colours/<key>.msgpack`` (the folders and files of the lesson cache,
:mod:`tutor.lesson.cache`: private, never through a link, bounded), and a launch that finds it colours
the code in its first frame without importing Pygments.

What is kept is only *colours*: per line, its style and its spans ``(start, end, style)`` as Rich
writes styles. The text is always the sample's own (``visible()``), so an entry planted in the cache can
change colours at most, never what is shown; a span outside its line, a style that does not parse or an
entry of another key or shape is a miss (the sample is highlighted again). Read back, a style keeps only
its foreground colour, bold, italic and underline, like a fresh one (:func:`foreground_only`).

The key is a SHA-256 of the format, Pygments' version, the size and time of Rich's ``syntax.py`` (its
ANSI themes) and of this module, the language, the theme (dark or light) and the source.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from rich.style import Style
from rich.text import Span, Text

from tutor.lesson import cache

MAGIC = b"tutor-colours/1"
FOLDER = "colours"
SUFFIX = ".msgpack"
#: The largest entry read or written, and how many / how many bytes of them are kept.
MAX_ENTRY_BYTES = 512 * 1024
MAX_FILES = 256
MAX_TOTAL_BYTES = 8 * 1024 * 1024

#: (line style, [(start, end, style), ...]) per line: the entry's body.
_Lines = list[tuple[str, list[tuple[int, int, str]]]]
_signature: bytes | None = None
_decoder: Any = None


def foreground_only(style: Style | str) -> Style:
    """Only the foreground colour, bold, italic and underline of ``style`` (the pane's own background
    shows, in any theme; nothing else, such as a link, comes from a highlighter or a cache entry)."""
    style = style if isinstance(style, Style) else Style.parse(style)
    return Style(color=style.color, bold=style.bold, italic=style.italic, underline=style.underline)


def _code_sig() -> bytes:
    global _signature
    if _signature is None:
        import pygments
        import rich

        parts = [MAGIC.decode(), pygments.__version__]
        for path in (os.path.join(os.path.dirname(rich.__file__), "syntax.py"), __file__):
            try:
                st = os.stat(path)
                parts.append(f"{st.st_size}:{st.st_mtime_ns}")
            except OSError:
                parts.append("?")
        _signature = "\n".join(parts).encode()
    return _signature


def colour_key(source: str, language: str, dark: bool) -> str:
    """The cache key of ``source`` highlighted as ``language`` in the dark (or light) theme."""
    digest = hashlib.sha256(_code_sig())
    digest.update(b"\0%s\0%s\0" % (language.encode("utf-8", "replace"), b"dark" if dark else b"light"))
    digest.update(source.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


#: Languages Pygments leaves uncoloured (its TextLexer): :func:`highlight` gives their lines as Rich's
#: ``Syntax`` would (tabs expanded to 4 columns) without importing Pygments (a capture's findings pane,
#: coloured just after its first frame: ~30 ms of Pygments for nothing).
PLAIN = frozenset({"text"})


def highlight(source: str, language: str, dark: bool) -> list[Text]:
    """``source``'s lines highlighted by Pygments (foreground colours only), one Text per line."""
    if language in PLAIN:
        lines = [Text(line) for line in source.split("\n")]
        for line in lines:
            line.expand_tabs(4)
        return lines
    from rich.syntax import Syntax  # imports Pygments

    syntax = Syntax(source, language, theme="ansi_dark" if dark else "ansi_light", background_color="default")
    # Pygments ends the code with a newline: not a line of the sample
    lines = list(syntax.highlight(source).split("\n", allow_blank=True))[: source.count("\n") + 1]
    for line in lines:
        line.style = Style(color=Style.parse(str(line.style)).color) if line.style else ""
        line.spans = [Span(span.start, span.end, foreground_only(span.style)) for span in line.spans]
    return lines


def _get_decoder() -> Any:
    global _decoder
    if _decoder is None:
        import msgspec

        _decoder = msgspec.msgpack.Decoder(tuple[str, _Lines])
    return _decoder


def cached(source: str, language: str, dark: bool) -> list[Text] | None:
    """The lines as :func:`highlight` gave them, from the cache; None when there is no usable entry."""
    key = colour_key(source, language, dark)
    fh = cache.open_private(FOLDER, f"{key}{SUFFIX}", MAX_ENTRY_BYTES)
    if fh is None:
        return None
    try:
        with fh:
            entry_key, lines = _get_decoder().decode(fh.read(MAX_ENTRY_BYTES + 1))
        plains = source.split("\n")
        if entry_key != key or len(lines) != len(plains):
            return None
        out = []
        for plain, (line_style, spans) in zip(plains, lines, strict=True):
            size = len(plain)
            if any(not 0 <= start <= end <= size for start, end, _ in spans):
                return None
            style = Style(color=foreground_only(line_style).color) if line_style else ""
            out.append(Text(plain, style, spans=[Span(a, b, foreground_only(s)) for a, b, s in spans]))
        return out
    except Exception:  # unreadable, another shape, a style that does not parse: highlight again
        return None


def store(source: str, language: str, dark: bool, lines: list[Text]) -> bool:
    """Keep :func:`highlight`'s ``lines`` for the next launch; False when they were not kept."""
    if [line.plain for line in lines] != source.split("\n"):
        return False  # only lines that are the sample's own, whole
    import msgspec

    key = colour_key(source, language, dark)
    body: _Lines = [
        (str(line.style) if line.style else "", [(span.start, span.end, str(span.style)) for span in line.spans])
        for line in lines
    ]
    data = msgspec.msgpack.encode((key, body))
    if len(data) > MAX_ENTRY_BYTES or not cache.write_private(FOLDER, f"{key}{SUFFIX}", data):
        return False
    folder = cache.cache_dir() / FOLDER
    cache.prune(folder, SUFFIX, MAX_FILES, MAX_TOTAL_BYTES)
    return True


def coloured_lines(source: str, language: str, dark: bool, *, keep: bool = True) -> list[Text]:
    """``source``'s highlighted lines: from the cache, else highlighted now and kept (``keep=False``:
    highlighted now, the cache neither read nor written)."""
    lines = cached(source, language, dark) if keep else None
    if lines is None:
        lines = highlight(source, language, dark)
        if keep:
            store(source, language, dark, lines)
    return lines


__all__ = ["cached", "coloured_lines", "colour_key", "foreground_only", "highlight", "store"]
