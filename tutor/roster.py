"""A class roster: one learner name per line (``tutor serve --roster FILE``, ``tutor progress --roster FILE``).

Names are checked like lesson ids (:data:`tutor.lesson.catalog.ID_PATTERN`, whole-string match): lower-case
letters, digits and dashes, so a name is safe as a folder name, in a URL and in an e-mail address. Blank
lines and lines starting with ``#`` are skipped; spaces around a name are ignored. A bad line is reported as
``FILE:LINE:COL: error: ...`` (every bad line of the file in one run).

Each learner has a folder of their own under the learners folder (default: ``<progress folder>/learners``):
``<learners>/<name>/`` is that learner's ``TUTOR_HOME`` (progress file, review deck, lesson cache) and
``<learners>/<name>/served`` the folder their served sessions run in (playground exports).

No Textual, no network.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MAX_LEARNERS",
    "Learner",
    "RosterError",
    "RosterProblem",
    "actor_iri",
    "default_learners_dir",
    "learner_dirs",
    "read_roster",
]

#: More names than this in one roster is refused (a roster is a class, not a school).
MAX_LEARNERS = 1000
_MAX_BYTES = 1 << 20
_DOMAIN = re.compile(
    r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


@dataclass(frozen=True, slots=True)
class RosterProblem:
    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: error: {self.message}"


class RosterError(ValueError):
    """The roster cannot be used; ``problems`` lists every bad line (``str()`` is all of them)."""

    def __init__(self, problems: list[RosterProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Learner:
    """A learner of the class and the folder that holds everything of theirs."""

    name: str
    home: Path

    @property
    def progress_path(self) -> Path:
        from tutor.progress import FILENAME

        return self.home / FILENAME

    @property
    def exports(self) -> Path:
        return self.home / "served"


def default_learners_dir() -> Path:
    """``<progress folder>/learners``: where each learner's folder is made unless ``--learners`` says."""
    from tutor.progress import default_path

    return default_path().parent / "learners"


def check_name(name: str) -> str | None:
    """Why ``name`` is not a learner name, or ``None``."""
    from tutor.lesson.catalog import ID_PATTERN

    if ID_PATTERN.fullmatch(name):
        return None
    return "expected lower-case letters, digits and dashes (like a lesson id), 1-64 characters"


def read_roster(path: str | os.PathLike[str], learners_dir: Path | None = None) -> list[Learner]:
    """The learners of the roster at ``path``, in its order; :class:`RosterError` for a bad file or line."""
    from tutor.lesson.catalog import file_problem

    shown = os.fspath(path)
    why = file_problem(Path(path))
    if why is not None:
        raise RosterError([RosterProblem(shown, 1, 1, f"roster: {why}")])
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_BYTES + 1)
    except OSError as exc:
        raise RosterError([RosterProblem(shown, 1, 1, f"roster: cannot read: {exc.strerror or exc}")]) from None
    if len(data) > _MAX_BYTES:
        raise RosterError([RosterProblem(shown, 1, 1, f"roster: larger than {_MAX_BYTES} bytes")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at_line = data[: exc.start].count(b"\n") + 1
        at_col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RosterError([RosterProblem(shown, at_line, at_col, "roster: not UTF-8 text")]) from None
    folder = learners_dir if learners_dir is not None else default_learners_dir()
    problems: list[RosterProblem] = []
    seen: dict[str, int] = {}
    names: list[str] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        col = len(line) - len(line.lstrip()) + 1
        why = check_name(name)
        if why is not None:
            problems.append(RosterProblem(shown, number, col, f"learner name {name!r}: {why}"))
        elif name in seen:
            problems.append(RosterProblem(shown, number, col, f"learner {name!r} is already on line {seen[name]}"))
        else:
            seen[name] = number
            names.append(name)
    if not problems and not names:
        problems.append(RosterProblem(shown, 1, 1, "roster: no learner names (one name per line)"))
    if len(names) > MAX_LEARNERS:
        problems.append(RosterProblem(shown, 1, 1, f"roster: {len(names)} learners, at most {MAX_LEARNERS}"))
    if problems:
        raise RosterError(problems)
    return [Learner(name, folder / name) for name in names]


def learner_dirs(learners_dir: Path) -> list[Learner]:
    """Every learner folder under ``learners_dir`` (names checked like a roster's), sorted by name."""
    found = []
    try:
        entries = sorted(os.scandir(learners_dir), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        if check_name(entry.name) is None and entry.is_dir(follow_symlinks=False):
            found.append(Learner(entry.name, Path(learners_dir) / entry.name))
    return found


def check_domain(domain: str) -> str | None:
    """Why ``domain`` is not a host name for ``mailto:NAME@DOMAIN``, or ``None``."""
    return None if _DOMAIN.fullmatch(domain) else "expected a host name such as school.example"


def default_domain() -> str:
    """This machine's host name when it is a valid one, else ``localhost``."""
    import socket

    host = socket.gethostname()
    return host if check_domain(host or "") is None else "localhost"


def actor_iri(name: str, domain: str | None = None) -> str:
    """``mailto:NAME@DOMAIN`` (domain: ``--actor-domain``, else this machine's host name)."""
    return f"mailto:{name}@{domain or default_domain()}"
