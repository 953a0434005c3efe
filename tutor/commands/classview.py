"""The teacher's view: `tutor progress --roster FILE` / `--learners DIR` — every learner's progress in one table.

One row per learner and lesson (steps reached, quiz answers right of those answered, best test score,
challenges solved and their stars, review cards due now); a learner with no progress yet gets one row
saying so. ``--format json`` gives each learner's `tutor progress --format json` object; ``--format xapi``
every learner's statements, each with its learner's actor (``mailto:NAME@DOMAIN``, ``--actor-domain``).

Each learner's file is opened read-only: the teacher's view never writes a learner's progress (they may
be answering right now), and a file that cannot be read is one notice, the other learners still shown.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from tutor.commands.common import error, note, out, out_json, problems
from tutor.lesson.grading import format_percentage

if TYPE_CHECKING:
    from tutor.progress import ProgressStore


def class_learners(args: argparse.Namespace) -> list[Any] | int:
    """The learners ``--roster`` / ``--learners`` name, or an exit code (a bad roster: its problems)."""
    from pathlib import Path

    from tutor.roster import RosterError, learner_dirs, read_roster

    folder = Path(args.learners).expanduser() if getattr(args, "learners", None) else None
    if getattr(args, "roster", None) is not None:
        try:
            return read_roster(args.roster, folder)
        except RosterError as exc:
            return problems(exc.problems)
    assert folder is not None
    if not folder.is_dir():
        return error("progress", f"--learners {folder}: {'not a folder' if folder.exists() else 'no such folder'}")
    return learner_dirs(folder)


def run_class(args: argparse.Namespace, fmt: str, lessons: Any, pass_mark: float | None) -> int:
    from tutor.progress import ProgressError, ProgressStore
    from tutor.roster import actor_iri, check_domain

    domain = getattr(args, "actor_domain", None)
    if domain is not None and check_domain(domain) is not None:
        args.usage_error(f"argument --actor-domain: {check_domain(domain)}, not {domain!r}")  # exits 2
    found = class_learners(args)
    if isinstance(found, int):
        return found
    from tutor.commands import progress_report as single

    catalog = single._lessons(lessons)
    steps = {entry.id: single._step_count(entry.path) for entry in catalog}
    report: dict[str, Any] = {}
    statements: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    for learner in found:
        try:
            store = ProgressStore.open(learner.progress_path, readonly=True)
        except ProgressError as exc:
            note(f"notice: {learner.name}: {exc}")
            rows.append([learner.name, "(progress cannot be read)", "", "", "", "", ""])
            continue
        with store:
            if store.notice and "opened for viewing" not in store.notice:
                note(f"notice: {learner.name}: {store.notice}")
            try:
                if fmt == "json":
                    report[learner.name] = single.progress_json(store)
                elif fmt == "xapi":
                    from tutor.lesson.xapi import agent

                    statements += single.progress_xapi(
                        store, agent(actor_iri(learner.name, domain)), lessons, pass_mark
                    )
                else:
                    rows += _rows(learner.name, store, steps)
            except ProgressError as exc:
                note(f"notice: {learner.name}: {exc}")
                rows.append([learner.name, "(progress cannot be read)", "", "", "", "", ""])
    if fmt == "json":
        out_json({"learners": report})
    elif fmt == "xapi":
        return single.deliver(statements, getattr(args, "send", None))
    else:
        out(class_text(rows, len(found)), end="")
    return 0


def _in_memory(store: ProgressStore) -> ProgressStore | None:
    """A writable copy of ``store`` in memory: its review cards are brought up to date with the answers
    there (as the learner's own `tutor progress` would), and the learner's file is not written."""
    import sqlite3

    from tutor.progress import ProgressStore

    copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        store._db.backup(copy)
    except sqlite3.Error:
        copy.close()
        return None
    return ProgressStore(copy, store.path, store.clock, None)


def _rows(name: str, store: ProgressStore, steps: dict[str, int | None]) -> list[list[str]]:
    from tutor.commands import progress_report as single
    from tutor.lesson.visible import visible

    copy = _in_memory(store)
    if copy is not None:
        with copy:
            summary = single.review_summary(copy)
    else:
        summary = single.review_summary(store)
    best = single._best_challenges(store)
    lessons = single._lesson_progress(store)
    ids = sorted(set(lessons) | set(summary.lessons))
    if not ids:
        return [[name, "(no progress yet)", "", "", "", "", ""]]
    rows = []
    for lid in ids:
        p = lessons.get(lid)
        total = steps.get(lid)
        reached = "-" if p is None else f"{p.steps_reached}/{total}" if total else str(p.steps_reached)
        quiz = "-" if p is None or not p.answered else f"{p.correct}/{p.answered}"
        test = "-" if p is None or p.best_score is None else format_percentage(p.best_score)
        runs = best.get(lid, {})
        if runs:
            solved = sum(1 for record, _ in runs.values() if record.solved)
            stars = sum(record.stars for record, _ in runs.values())
            challenges = f"{solved}/{len(runs)} ★{stars}"
        else:
            challenges = "-"
        cards, due = summary.lessons.get(lid, (0, 0))
        rows.append([name, visible(lid), reached, quiz, test, challenges, f"{due}/{cards}" if cards else "-"])
    return rows


HEADINGS = ["Learner", "Lesson", "Steps", "Quiz", "Best test", "Challenges", "Due"]
_NUMERIC = {"Steps", "Quiz", "Best test", "Challenges", "Due"}


def class_text(rows: list[list[str]], learners: int) -> str:
    """The table (learner × lesson) and a total line."""
    if not learners:
        return "No learners yet.\n"
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADINGS)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if h in _NUMERIC else c.ljust(w) for c, w, h in zip(cells, widths, HEADINGS, strict=True)
        ).rstrip()

    lines = [line(HEADINGS), line(["-" * w for w in widths])]
    previous = None
    for r in rows:
        lines.append(line([r[0] if r[0] != previous else "", *r[1:]]))
        previous = r[0]
    idle = sum(1 for r in rows if r[1] == "(no progress yet)")
    total = f"{learners} learner{'s' if learners != 1 else ''}"
    if idle:
        total += f", {idle} with no progress yet"
    lines.append(total + "; Quiz: questions right of answered; Due: review cards due now of all cards")
    return "\n".join(lines) + "\n"
