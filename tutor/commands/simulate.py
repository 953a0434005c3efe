"""`tutor simulate FILE [--format text|json]`: run a scenario file and print its trace."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

COLUMNS = ("Step", "Event", "Actor", "Action", "Cookie?", "Session ID", "User", "Result")


def _abbrev(value: str | None, keep: int = 8) -> str:
    if not value:
        return "-"
    return value if len(value) <= keep + 1 else value[:keep] + "…"


def _print_text(trace, stream) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

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
            str(s.event) if s.event else "-",
            s.actor,
            s.action,
            "yes" if s.cookie_present else "no",
            _abbrev(s.session_id),
            s.user or "-",
            s.result,
        )
    console.print(table)


def run(args) -> int:
    path = Path(args.file)
    if not path.exists():
        print(f"{args.file}: error: no such file", file=sys.stderr)
        return 1
    if path.is_dir():
        print(f"{args.file}: error: is a folder, not a scenario file", file=sys.stderr)
        return 1
    from tutor.lesson.loader import LoadError, load_scenario

    try:
        scenario = load_scenario(path)
    except LoadError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{args.file}: error: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 1

    from tutor.engine import run_scenario

    try:
        trace = run_scenario(scenario)
    except ValueError as exc:  # e.g. options built without validation
        print(f"{args.file}: error: {exc}", file=sys.stderr)
        return 1

    if getattr(args, "format", "text") == "json":
        sys.stdout.write(json.dumps(trace.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        _print_text(trace, sys.stdout)
    return 0
