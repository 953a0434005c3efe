"""`tutor progress [--format text|json|xapi] [--reset [--yes]]`: show, export or clear the learner's progress.

Never imports Textual. Lesson titles come from the lesson catalog when it can be read; progress is shown
by lesson id either way.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TYPE_CHECKING, TextIO

from tutor.commands.common import error, note, out, out_json, prompt
from tutor.commands.progress_report import (  # re-exported: the report is the store's view
    _lessons,
    _titles,
    deliver,
    progress_json,
    progress_text,
    progress_xapi,
)

if TYPE_CHECKING:
    from tutor.progress import ProgressStore


def run(args: argparse.Namespace) -> int:
    from tutor.progress import ProgressError, ProgressStore

    fmt = getattr(args, "format", "text")
    send = getattr(args, "send", None)
    if send is not None:
        from tutor.lrs import endpoint_problem

        if getattr(args, "reset", False) or fmt not in ("text", "xapi"):
            args.usage_error("--send sends xAPI statements: not with --format json or --reset")  # exits 2
        if endpoint_problem(send) is not None:
            args.usage_error(f"argument --send: {endpoint_problem(send)}")  # exits 2
        fmt = args.format = "xapi"
    actor = getattr(args, "actor", None)
    actor_account = getattr(args, "actor_account", None)
    pass_mark = getattr(args, "pass_mark", None)
    lessons = getattr(args, "lessons", None) or ()
    if (actor is not None or actor_account is not None or pass_mark is not None) and fmt != "xapi":
        args.usage_error("--actor, --actor-account and --pass-mark go with --format xapi")  # exits 2
    if getattr(args, "roster", None) is not None or getattr(args, "learners", None) is not None:
        if actor is not None or actor_account is not None or getattr(args, "reset", False):
            args.usage_error("--roster and --learners show a class: not with --actor or --reset")  # exits 2
        from tutor.commands.classview import run_class

        return run_class(args, fmt, lessons, pass_mark)
    if getattr(args, "actor_domain", None) is not None:
        args.usage_error("--actor-domain goes with --roster or --learners")  # exits 2
    if fmt == "xapi":
        from tutor.lesson.xapi import ActorError, agent

        try:
            who = agent(actor, tuple(actor_account) if actor_account is not None else None)
        except ActorError as exc:
            args.usage_error(f"argument --actor{'-account' if actor is None else ''}: {exc}")  # exits 2
    try:
        store = ProgressStore.open()
    except ProgressError as exc:
        if getattr(args, "reset", False):
            return error("progress", str(exc))
        try:  # viewing needs no write access (a read-only folder, a read-only file)
            store = ProgressStore.open(readonly=True)
        except ProgressError:
            return error("progress", str(exc))
    with store:
        if store.notice:
            note(f"notice: {store.notice}")
        try:
            if getattr(args, "reset", False):
                return _reset(store, yes=getattr(args, "yes", False), stdin=sys.stdin)
            if fmt == "json":
                out_json(progress_json(store))
            elif fmt == "xapi":
                return deliver(progress_xapi(store, who, lessons, pass_mark), send)
            else:
                out(progress_text(store, _titles(_lessons(lessons)), width=_width()), end="")
        except ProgressError as exc:
            return error("progress", str(exc))
        finally:
            for line in store.problems:  # rows this version never writes: left out of what was shown
                note(line)
    return 0


def _width() -> int | None:
    """The terminal's width (``COLUMNS`` wins), or ``None`` when stdout is a file or a pipe."""
    import os

    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _reset(store: ProgressStore, *, yes: bool, stdin: TextIO | None) -> int:
    if not yes:
        if stdin is None or not stdin.isatty():
            return error(
                "progress",
                f"not deleting progress in {store.path}: stdin is not a terminal to confirm on",
                "to delete without asking: tutor progress --reset --yes",
            )
        prompt(f"Delete all progress in {store.path}? [y/N] ")
        line = stdin.readline()
        if line.strip().lower() not in ("y", "yes"):
            if not line:
                out()
            note("Nothing deleted.")
            return 0  # the learner said no: nothing went wrong
    store.reset()
    out(f"Deleted all progress in {store.path}.")
    return 0
