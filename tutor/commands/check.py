"""`tutor check PATH...`: validate lesson files and folders, printing every problem."""

from __future__ import annotations

import sys
from pathlib import Path

SUFFIXES = (".yaml", ".yml")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def collect(paths: list[str]) -> tuple[list[Path], list[str]]:
    """The lesson files named by ``paths`` (folders recursed), and the paths that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(raw)
    return files, missing


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

    files, missing = collect(list(args.paths))
    if missing:
        for raw in missing:
            print(f"tutor check: {raw}: no such file or folder", file=sys.stderr)
        return 2
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
            print(text, flush=progress.enabled)
        progress.update(i)
    progress.clear()
    print(f"{_plural(len(files), 'lesson')} checked, {_plural(problems, 'problem')}"
          + (f" in {_plural(invalid, 'file')}" if invalid else ""))
    return 1 if invalid else 0
