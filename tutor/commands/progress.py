"""`tutor progress [--format text|json] [--reset [--yes]]`: show or clear the learner's progress.

Never imports Textual. Lesson titles come from the lesson catalog when it can be read; progress is shown
by lesson id either way.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from tutor.lesson.grading import format_percentage


def run(args: argparse.Namespace) -> int:
    from tutor.progress import ProgressError, ProgressStore

    try:
        store = ProgressStore.open()
    except ProgressError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with store:
        if store.notice:
            print(f"notice: {store.notice}", file=sys.stderr)
        try:
            if getattr(args, "reset", False):
                return _reset(store, yes=getattr(args, "yes", False), stdin=sys.stdin, stdout=sys.stdout)
            if getattr(args, "format", "text") == "json":
                json.dump(progress_json(store), sys.stdout, indent=2, ensure_ascii=False)
                sys.stdout.write("\n")
            else:
                sys.stdout.write(progress_text(store, _titles(getattr(args, "lessons", None) or ())))
        except ProgressError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


def _reset(store: Any, *, yes: bool, stdin: TextIO, stdout: TextIO) -> int:
    if not yes:
        if stdin is None or not stdin.isatty():
            print(
                f"error: not deleting progress in {store.path}: stdin is not a terminal to confirm on "
                "(use --reset --yes)",
                file=sys.stderr,
            )
            return 1
        stdout.write(f"Delete all progress in {store.path}? [y/N] ")
        stdout.flush()
        line = stdin.readline()
        if line.strip().lower() not in ("y", "yes"):
            if not line:
                stdout.write("\n")
            print("Nothing deleted.", file=sys.stderr)
            return 1
    store.reset()
    print(f"Deleted all progress in {store.path}.", file=stdout)
    return 0


def progress_json(store: Any) -> dict[str, Any]:
    """``{"lessons": {id: {steps_reached, answered, correct, best_score, answers, tests}}}``."""
    answers: dict[str, list[dict[str, Any]]] = {}
    for a in store.answers():
        answers.setdefault(a.lesson_id, []).append(a.to_json())
    tests: dict[str, list[dict[str, Any]]] = {}
    for t in store.tests():
        tests.setdefault(t.lesson_id, []).append(t.to_json())
    lessons: dict[str, Any] = {}
    for lesson_id, p in store.summaries().items():
        lessons[lesson_id] = {
            "steps_reached": p.steps_reached,
            "answered": p.answered,
            "correct": p.correct,
            "best_score": p.best_score,
            "answers": answers.get(lesson_id, []),
            "tests": tests.get(lesson_id, []),
        }
    return {"lessons": lessons}


def progress_text(store: Any, titles: dict[str, str] | None = None) -> str:
    """A table of lessons and a total line; ``No progress yet.`` when there is none."""
    summaries = store.summaries()
    if not summaries:
        return "No progress yet.\n"
    titles = titles or {}
    show_titles = any(lid in titles for lid in summaries)
    headings = ["Lesson"] + (["Title"] if show_titles else []) + ["Steps", "Answered", "Correct", "Best test"]
    rows: list[list[str]] = []
    for lid, p in summaries.items():
        best = format_percentage(p.best_score) if p.best_score is not None else "-"
        rows.append([lid] + ([titles.get(lid, "")] if show_titles else []) + [str(p.steps_reached), str(p.answered), str(p.correct), best])
    answered = sum(p.answered for p in summaries.values())
    correct = sum(p.correct for p in summaries.values())
    tested = [p.best_score for p in summaries.values() if p.best_score is not None]
    count = len(summaries)
    total = f"Total: {count} lesson{'s' if count != 1 else ''}, {answered} answered, {correct} correct"
    if tested:
        total += f", {len(tested)} tested"
    numeric = {"Steps", "Answered", "Correct", "Best test"}
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]

    def line(cells: list[str]) -> str:
        parts = [c.rjust(w) if h in numeric else c.ljust(w) for c, w, h in zip(cells, widths, headings)]
        return "  ".join(parts).rstrip()

    out = [line(headings), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    out.append(total)
    return "\n".join(out) + "\n"


def _titles(extra_dirs: Any = ()) -> dict[str, str]:
    """Lesson titles by id from the catalog (``--lessons``, ``TUTOR_LESSONS``, built-ins); {} if unreadable."""
    try:
        from tutor.lesson import catalog

        found = catalog.entries(extra_dirs)
    except Exception:  # titles are decoration: an unreadable lesson folder must not stop `tutor progress`
        return {}
    return {entry.id: entry.title for entry in found if entry.valid and entry.title}
