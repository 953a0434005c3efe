"""`tutor simulate FILE [--format text|json]`: run a scenario file and print its trace."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tutor.commands.common import error, out_json, problems
from tutor.lesson.visible import visible

COLUMNS = ("Step", "Event", "Actor", "Action", "Cookie?", "Session ID", "User", "Result")


def _abbrev(value: str | None, keep: int = 8) -> str:
    if not value:
        return "-"
    return value if len(value) <= keep + 1 else value[:keep] + "…"


def _print_text(trace, stream) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def cell(value: str) -> Text:
        # scenario text is shown literally: no markup parsed, control characters made visible
        return Text(visible(value))

    plain = not stream.isatty() or "NO_COLOR" in os.environ
    width = None if (not plain or os.environ.get("COLUMNS")) else 200
    console = Console(
        file=stream,
        color_system=None if plain else "auto",
        no_color=plain,
        highlight=False,
        emoji=False,
        width=width,
        soft_wrap=False,
    )
    table = Table(
        box=box.ASCII if plain else box.SIMPLE_HEAVY,
        header_style="" if plain else "bold",
        show_edge=not plain,
        pad_edge=False,
    )
    for name in COLUMNS:
        table.add_column(name, no_wrap=name in ("Step", "Event", "Cookie?", "Session ID"))
    for s in trace:
        table.add_row(
            str(s.step),
            cell(str(s.event)) if s.event else "-",
            cell(s.actor),
            cell(s.action),
            "yes" if s.cookie_present else "no",
            cell(_abbrev(s.session_id)),
            cell(s.user or "-"),
            cell(s.result),
        )
    console.print(table)


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

    try:
        trace = run_scenario(scenario)
    except ValueError as exc:  # e.g. options built without validation
        return error("simulate", f"{args.file}: {exc}")

    if getattr(args, "format", "text") == "json":
        out_json(trace.to_json())
    else:
        _print_text(trace, sys.stdout)
    return 0
