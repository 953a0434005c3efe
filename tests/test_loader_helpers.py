"""Shared helpers of the loader tests: the fixture lesson, mutations and positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.lesson.loader import LoadError, Problem, load_lesson

FIXTURE = Path(__file__).parent / "fixtures" / "loader_lesson.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def pos(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, col) of the nth occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def mutate(old: str, new: str, text: str = TEXT) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once in the fixture"
    return text.replace(old, new)


def write(tmp_path: Path, text: str | bytes, name: str = "lesson.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str | bytes) -> list[Problem]:
    path = write(tmp_path, text)
    with pytest.raises(LoadError) as info:
        load_lesson(path)
    assert info.value.problems, "a LoadError must carry problems"
    for p in info.value.problems:
        assert p.path == str(path)
    return info.value.problems


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def at(found: list[Problem], line: int, col: int) -> Problem:
    """The one problem at (line, col)."""
    hits = [p for p in found if (p.line, p.col) == (line, col)]
    assert len(hits) == 1, f"no single problem at {line}:{col} in:\n" + "\n".join(map(str, found))
    return hits[0]
