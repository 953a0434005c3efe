"""`tutor simulate FILE [--format text|json]`: run a scenario file and print its trace."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

from rich.cells import cell_len

from tutor.commands.common import error, problems
from tutor.lesson.visible import escape_json, visible

COLUMNS = ("Step", "Event", "Actor", "Action", "Cookie?", "Session ID", "User", "Result")


def _abbrev(value: str | None, keep: int = 8) -> str:
    if not value:
        return "-"
    return value if len(value) <= keep + 1 else value[:keep] + "…"


#: Columns that wrap when the table is wider than the terminal (the others keep their width).
_WRAPPING = ("Action", "Result", "Actor", "User")


def _cell(text: str) -> str:
    """Scenario text made visible for one table cell (a line break too, which would split the row)."""
    return visible(text).replace("\n", "\u240a")


def _cells(s, servers: bool = False) -> tuple[str, ...]:
    """One step's cells, made visible (no control character from a scenario reaches the terminal); with
    several ``servers`` the action starts with the server the step goes to (``[db] Receive GET /``)."""
    server = s.variables.get("server") if servers else None
    return (
        str(s.step),
        str(s.event) if s.event else "-",
        _cell(s.actor),
        _cell(f"[{server}] {s.action}" if server else s.action),
        "yes" if s.cookie_present else "no",
        _cell(_abbrev(s.session_id)),
        _cell(s.user or "-"),
        _cell(s.result),
    )


def _widths(rows, available: int) -> list[int]:
    """Each column's width: its widest cell (or heading); while the table is wider than ``available``
    cells, the widest wrapping columns are narrowed to the next widest (as Rich collapses a table),
    never below 8."""
    widths = [cell_len(name) for name in COLUMNS]
    for cells in rows:
        for i, cell in enumerate(cells):
            n = cell_len(cell)
            if n > widths[i]:
                widths[i] = n
    wrapping = [COLUMNS.index(name) for name in _WRAPPING]
    over = sum(widths) + 3 * (len(COLUMNS) - 1) - available
    while over > 0:
        top = max(widths[i] for i in wrapping)
        if top <= 8:
            break
        widest = [i for i in wrapping if widths[i] == top]
        second = max([widths[i] for i in wrapping if widths[i] < top] + [8])
        cut = min(top - second, -(-over // len(widest)))
        for i in widest:
            if over <= 0:
                break
            widths[i] -= min(cut, over)
            over -= min(cut, over)
    return widths


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells (words kept whole where they fit)."""
    if cell_len(text) <= width and "\n" not in text:
        return [text]
    if text.isascii():
        return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    from rich.console import Console
    from rich.text import Text

    return [line.plain for line in Text(text.replace("\n", " ")).wrap(Console(width=width), width)] or [""]


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def _row_lines(cells: tuple[str, ...], widths: list[int], wraps: list[bool], sep: str) -> list[str]:
    columns = [_wrap(c, w) if wrap else [c] for c, w, wrap in zip(cells, widths, wraps, strict=False)]
    height = max(len(c) for c in columns)
    return [
        sep.join(_pad(col[k] if k < len(col) else "", w) for col, w in zip(columns, widths, strict=False))
        for k in range(height)
    ]


def _print_text(trace, stream) -> None:
    """The trace as a table, written row by row as it is formatted: the column widths are worked out
    first (one pass over the cells), then every row is written at once, so a 10,000-event trace prints
    in a second or two. Plain (``|`` and ``-`` rules, like Rich's ASCII box) when the stream is not a
    terminal or ``NO_COLOR`` is set; a bold heading and a ``━`` rule on a terminal."""
    from rich.console import Console
    from rich.text import Text

    plain = not stream.isatty() or "NO_COLOR" in os.environ
    width = None if (not plain or os.environ.get("COLUMNS")) else 200
    console = Console(
        file=stream,
        color_system=None if plain else "auto",
        no_color=plain,
        highlight=False,
        emoji=False,
        width=width,
        soft_wrap=True,
    )
    servers = bool(len(trace)) and "server" in trace[0].variables  # a scenario of several servers
    rows = [_cells(s, servers) for s in trace]
    widths = _widths(rows, console.width)
    wraps = [name in _WRAPPING for name in COLUMNS]
    sep = " | " if plain else "   "
    header = sep.join(_pad(name, w) for name, w in zip(COLUMNS, widths, strict=False))
    if plain:
        stream.write(header + "\n" + "-+-".join("-" * w for w in widths) + "\n")
    else:
        console.print(Text(header, style="bold"))
        console.print(Text("━" * cell_len(header)))
    for cells in rows:
        stream.write("\n".join(_row_lines(cells, widths, wraps, sep)) + "\n")
    stream.flush()


def _json_parts(trace, limit: int) -> tuple[list[bytes] | None, int | None]:
    """The trace as ``json.dumps(trace.to_json(), indent=2, ensure_ascii=False)`` writes it (with the
    hidden characters ``visible`` shows also written as ``\\uXXXX`` escapes), encoded step by step with
    msgspec (its C encoder; ``json`` with ``indent`` runs in Python);
    ``(None, event)`` when it would pass ``limit`` bytes (``event``: the 0-based event whose step
    crossed it), before anything is written."""
    import msgspec

    parts: list[bytes] = [b"["]
    size = 1
    for i, s in enumerate(trace):
        body = msgspec.json.format(msgspec.json.encode(s.to_json()), indent=2).replace(b"\n", b"\n  ")
        body = escape_json(body.decode("utf-8")).encode("utf-8")
        part = (b"\n  " if i == 0 else b",\n  ") + body
        size += len(part)
        if size > limit:
            return None, (s.event - 1 if s.event else None)
        parts.append(part)
    parts.append(b"\n]\n" if len(parts) > 1 else b"]\n")
    return parts, None


def run(args) -> int:
    from tutor.lesson.catalog import file_problem

    path = Path(args.file)
    problem = file_problem(path)
    if problem is not None:  # a FIFO or a device would block: only regular files are read
        return error("simulate", f"{args.file}: {problem}")
    from tutor.lesson.loader import LoadError, load_scenario

    try:
        scenario = load_scenario(path)
    except LoadError as exc:
        return problems(exc.problems)
    except OSError as exc:
        return error("simulate", f"{args.file}: cannot read: {exc.strerror or exc}")

    from tutor.engine import run_scenario
    from tutor.engine.limits import MAX_OUTPUT_BYTES, LimitExceeded

    try:
        trace = run_scenario(scenario)
    except LimitExceeded as exc:
        return problems([_positioned(path, exc.event, str(exc))])
    except ValueError as exc:  # e.g. options built without validation
        return error("simulate", f"{args.file}: {exc}")

    if getattr(args, "format", "text") == "json":
        parts, event = _json_parts(trace, MAX_OUTPUT_BYTES)
        if parts is None:
            message = f"the JSON trace would be larger than {MAX_OUTPUT_BYTES // (1024 * 1024)} MiB from this event on"
            hint = "every step lists every variable (each browser's jar, the store): use fewer browsers or events, or the table (leave out --format json)"
            return problems([_positioned(path, event, message, hint)])
        _write_json(parts)
    else:
        _print_text(trace, sys.stdout)
    return 0


def _write_json(parts: list[bytes]) -> None:
    """The JSON trace's parts (from ``_json_parts``: hidden characters already escaped) on stdout."""
    out = getattr(sys.stdout, "buffer", None)
    sys.stdout.flush()
    for part in parts:
        if out is not None:
            out.write(part)
        else:
            sys.stdout.write(part.decode("utf-8"))
    sys.stdout.flush()


def _positioned(path: Path, event: int | None, message: str, hint: str | None = None):
    """A ``FILE:LINE:COL: error:`` problem at a scenario file's event (0-based)."""
    from tutor.lesson.loader import scenario_problem

    return scenario_problem(path, event, message, hint)
