"""`tutor check PATH...`: validate lesson files and folders, printing every problem."""

from __future__ import annotations

import sys
from pathlib import Path

from tutor.commands.common import error, out

SUFFIXES = (".yaml", ".yml")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def collect(paths: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The lesson files named by ``paths`` (folders recursed), and the paths that cannot be read, with why."""
    from tutor.lesson.catalog import file_problem

    files: list[Path] = []
    bad: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
            continue
        problem = file_problem(path)
        if problem is None:
            files.append(path)
        else:
            bad.append((raw, "no such file or folder" if problem == "no such file" else problem))
    return files, bad


class _Progress:
    """A one-line progress bar on stderr (only when stdout is a terminal and there are many files)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.width = 30

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        filled = self.width * done // self.total
        sys.stderr.write(f"\rchecking [{'#' * filled}{'-' * (self.width - filled)}] {done}/{self.total}")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * (self.width + 40) + "\r")
            sys.stderr.flush()


def run(args) -> int:
    from tutor.lesson.loader import LoadError, load_lesson

    files, bad = collect(list(args.paths))
    if bad:
        for raw, problem in bad:
            error("check", f"{raw}: {problem}")
        return 1
    progress = _Progress(len(files), enabled=len(files) > 20 and sys.stdout.isatty() and sys.stderr.isatty())
    problems = 0
    invalid = 0
    for i, path in enumerate(files, 1):
        try:
            load_lesson(path)
        except LoadError as exc:
            invalid += 1
            problems += len(exc.problems)
            text = "\n".join(str(p) for p in exc.problems)
            if progress.enabled:
                progress.clear()
            out(text)
            if progress.enabled:
                sys.stdout.flush()
        progress.update(i)
    progress.clear()
    out(
        f"{_plural(len(files), 'lesson')} checked, {_plural(problems, 'problem')}"
        + (f" in {_plural(invalid, 'file')}" if invalid else "")
    )
    return 1 if invalid else 0
