"""Where lessons are found: extra folders (``--lessons DIR``, ``TUTOR_LESSONS``) and the built-ins.

Built-in lessons are ``tutor/builtin_lessons`` inside an installed package (the wheel copies the
repository's top-level ``lessons/`` there) or, in a source checkout, that top-level ``lessons/`` folder.
Folders are searched in order: ``--lessons`` folders, then ``TUTOR_LESSONS`` ones, then the built-ins;
the first lesson with an id wins.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.lesson.suggest import did_you_mean
from tutor.lesson.yamlsource import SourceError, compose_text, mark_of, read_text

SUFFIXES = (".yaml", ".yml")
LEVELS = ("beginner", "intermediate", "advanced")
#: A lesson id: the one pattern for the catalog, `tutor new` and `tutor check`'s message (``tutor.lesson.model.Id``
#: spells it again for the JSON Schema; a test holds them equal).
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}(?!\n)$")
ID_MESSAGE = "expected an id: lower-case letters, digits and dashes (at most 64, not starting with a dash)"


def file_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be read as a file (``None`` when it is a regular file).

    Every command that reads a file asks this first: opening a FIFO or a device would block or never end.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        return f"is {kind}, not a regular file"
    return None


class UnknownLesson(LookupError):
    """``resolve`` found no file and no lesson with that id; ``str()`` is a one-line message, ``hint`` a
    suggestion (or ``None``)."""

    def __init__(self, name: str, known: Sequence[str], *, message: str | None = None, hint: str | None = None) -> None:
        self.name = name
        self.known = list(known)
        self.hint = hint
        if message is not None:
            super().__init__(message)
            return
        close = did_you_mean(name, known) if known else None
        message = f"no lesson file or lesson id `{name}`"
        if close:
            message += f"; {close}"
        elif known:
            message += "; available: " + ", ".join(sorted(known))
        else:
            message += "; no lessons were found at all (add a folder of them with --lessons DIR)"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    level: str
    minutes: int
    path: Path
    problem: str | None = None
    """Set when the file could not be read for listing (``run tutor check``)."""
    prerequisites: tuple[str, ...] = ()
    """Ids of lessons to take first (the lesson's ``prerequisites:``), for the course order."""

    @property
    def valid(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "minutes": self.minutes,
            "path": str(self.path),
            "valid": self.valid,
            **({"problem": self.problem} if self.problem else {}),
        }


def builtin_dir() -> Path | None:
    """The built-in lessons folder, installed or in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "builtin_lessons"
    if installed.is_dir():
        return installed
    checkout = package.parent / "lessons"
    if checkout.is_dir():
        return checkout
    return None


def lesson_dirs(extra_dirs: Iterable[str | Path] = ()) -> list[Path]:
    dirs: list[Path] = [Path(d).expanduser() for d in extra_dirs if str(d)]
    env = os.environ.get("TUTOR_LESSONS", "")
    dirs += [Path(d).expanduser() for d in env.split(os.pathsep) if d.strip()]
    builtin = builtin_dir()
    if builtin is not None:
        dirs.append(builtin)
    seen: set[Path] = set()
    unique: list[Path] = []
    for d in dirs:
        key = d.resolve() if d.exists() else d
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique


def lesson_files(folder: Path) -> list[Path]:
    """Lesson files directly inside ``folder``, sorted by name."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
    except OSError:
        return []


def read_entry(path: Path) -> Entry:
    """The listing fields of one lesson file (id, title, level, minutes), without full validation."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode  # composing imports PyYAML anyway

    stem = path.stem
    try:
        root = compose_text(read_text(path, str(path)), str(path))
    except SourceError as exc:
        first = exc.problems[0]
        return Entry(stem, "", "", 0, path, f"line {first.line}: {first.message}")
    fields: dict[str, str] = {}
    prerequisites: tuple[str, ...] = ()
    lines: dict[str, int] = {}
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if (
                isinstance(key, ScalarNode)
                and key.value in ("id", "title", "level", "minutes")
                and isinstance(value, ScalarNode)
            ):
                fields[key.value] = value.value
                lines[key.value] = mark_of(value)[0]
            elif isinstance(key, ScalarNode) and key.value == "prerequisites" and isinstance(value, SequenceNode):
                prerequisites = tuple(item.value for item in value.value if isinstance(item, ScalarNode))
    lesson_id = fields.get("id") or stem
    title = fields.get("title", "")
    level = fields.get("level", "")
    minutes_text = fields.get("minutes", "")
    minutes = int(minutes_text) if minutes_text.isdigit() else 0
    problem = None
    if not title or level not in LEVELS or not minutes or "id" not in fields:
        problem = "not a lesson (missing id, title, level or minutes)"
    elif not ID_PATTERN.fullmatch(lesson_id):
        # e.g. Cyrillic look-alikes or `../../etc/passwd`: `tutor check` refuses it, so must the listing
        problem = f"line {lines.get('id', 1)}: {ID_MESSAGE}"
    return Entry(lesson_id, title, level, minutes, path, problem, prerequisites)


def entries(extra_dirs: Iterable[str | Path] = ()) -> list[Entry]:
    """Every lesson file in the folders (the first of each id wins), sorted by level then title."""
    out: list[Entry] = []
    ids: set[str] = set()
    for folder in lesson_dirs(extra_dirs):
        for path in lesson_files(folder):
            entry = read_entry(path)
            if entry.id in ids:
                continue
            ids.add(entry.id)
            out.append(entry)
    order = {level: i for i, level in enumerate(LEVELS)}
    return sorted(out, key=lambda e: (not e.valid, order.get(e.level, 9), e.title.lower(), e.id))


def resolve(name_or_path: str | Path, extra_dirs: Iterable[str | Path] = ()) -> Path:
    """An existing file path, else the lesson with this id in the folders, in :func:`lesson_dirs` order.

    In each folder the file named after the id (``ID.yaml``) is taken first, then a file whose ``id:`` it
    is; so the first folder that has the lesson wins, as in :func:`entries`. Only the folders before that
    one are read: opening a built-in lesson (each is named after its id) reads no other lesson file.
    """
    candidate = Path(name_or_path).expanduser()
    problem = file_problem(candidate)
    if problem is None:
        return candidate
    name = str(name_or_path)
    known: list[str] = []
    for folder in lesson_dirs(extra_dirs):
        for suffix in SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.is_file():
                return path
        for path in lesson_files(folder):
            entry = read_entry(path)
            if entry.id == name:
                return path
            known.append(entry.id)
    if problem == "is a folder, not a file":
        raise UnknownLesson(
            name,
            known,
            message=f"{name} is a folder, not a lesson file",
            hint=f"to use the lessons in it, add `--lessons {shlex.quote(name)}` (e.g. `tutor --lessons {shlex.quote(name)}`)",
        )
    if problem != "no such file":
        raise UnknownLesson(name, known, message=f"{name}: {problem}")
    raise UnknownLesson(name, sorted(set(known)))


__all__ = [
    "ID_MESSAGE",
    "ID_PATTERN",
    "Entry",
    "UnknownLesson",
    "builtin_dir",
    "entries",
    "file_problem",
    "lesson_dirs",
    "lesson_files",
    "read_entry",
    "resolve",
]
