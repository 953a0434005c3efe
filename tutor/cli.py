"""The `tutor` command line: a thin shell over the engine, the lessons and the app.

Start-up matters: this module imports nothing heavy. Each subcommand lives in
``tutor/commands/<name>.py`` and is imported only when it runs, so `tutor check` never imports Textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from tutor import __version__

MODES = ("walkthrough", "moments", "visual", "practice", "test", "snapshot", "transcript", "play")


def _add_lessons_option(p: argparse.ArgumentParser, *, top: bool = False) -> None:
    # A subcommand's copy has its own dest (argparse would otherwise let the subparser's list replace
    # the top-level one); main() merges both into args.lessons.
    p.add_argument(
        "--lessons",
        dest="lessons" if top else "sub_lessons",
        metavar="DIR",
        action="append",
        default=[],
        help="an extra folder of lessons (repeatable; TUTOR_LESSONS adds more, separated by ':')",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description="Session Tutor: learn how web sessions work by running them. "
        "With no command, opens the lesson picker.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_lessons_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("open", help="open a lesson in the app", description="Open a lesson (built-in id or path) in the app.")
    p.add_argument("lesson", metavar="LESSON", help="a built-in lesson id or a path to a lesson file")
    p.add_argument("--mode", choices=MODES, default="walkthrough", help="the mode to open in (default: walkthrough)")
    p.add_argument("--step", type=int, default=None, help="start the walkthrough at this step")
    p.add_argument("--watch", action="store_true", help="reload the lesson when its file changes")
    _add_lessons_option(p)

    p = sub.add_parser("simulate", help="run a scenario and print its trace", description="Run a scenario file through the session engine and print its trace.")
    p.add_argument("file", metavar="FILE", help="a scenario YAML file (engine: and events:)")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("check", help="validate lesson files", description="Validate lesson files and folders; exit 0 when all are valid, 1 when any is not.")
    p.add_argument("paths", metavar="PATH", nargs="+", help="lesson files or folders")

    p = sub.add_parser("new", help="write a new lesson to start from", description="Write a commented lesson that passes `tutor check`.")
    p.add_argument("id", metavar="ID", help="the new lesson's id (lower-case letters, digits, dashes)")
    p.add_argument("--output", "-o", metavar="FILE", help="where to write it (default: ID.yaml; - for stdout)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    sub.add_parser("schema", help="print the JSON Schema of the lesson format", description="Print the JSON Schema of the lesson format.")

    p = sub.add_parser("show", help="print a lesson without the full-screen app", description="Print a lesson: its table, tracker, narration and questions.")
    p.add_argument("lesson", metavar="LESSON", help="a built-in lesson id or a path")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    _add_lessons_option(p)

    p = sub.add_parser("list", help="list the available lessons", description="List the available lessons.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    _add_lessons_option(p)

    p = sub.add_parser("progress", help="show (or reset) your progress", description="Show your progress: steps reached, answers and test scores.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--reset", action="store_true", help="clear all progress (asks first)")
    p.add_argument("--yes", "-y", action="store_true", help="with --reset: do not ask")

    p = sub.add_parser("serve", help="serve the app in a web browser (needs the [web] extra)", description="Serve the app in a web browser with textual-serve.")
    p.add_argument("--host", default="localhost")
    p.add_argument("--port", type=int, default=8000)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.lessons = [*args.lessons, *getattr(args, "sub_lessons", [])]
    for folder in args.lessons:
        if not os.path.isdir(folder):
            parser.error(f"--lessons {folder}: no such folder")
    name = args.command or "picker"
    module = importlib.import_module(f"tutor.commands.{name}")
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # e.g. `tutor show x | head`: stop quietly
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            return 0


if __name__ == "__main__":
    raise SystemExit(main())
