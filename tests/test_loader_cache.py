"""The lesson cache (tutor.lesson.loader.load_lesson_cached): never stale, never harmful, really used."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.lesson import loader
from tutor.lesson.catalog import resolve
from tutor.lesson.loader import LoadError, lesson_steps_cached, load_lesson, load_lesson_cached


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.yaml"
    shutil.copy(resolve("session-lifecycle"), path)
    return path


def _entries(home: Path) -> list[Path]:
    folder = home / "cache" / "lessons"
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def test_cached_lesson_equals_a_fresh_load(home: Path, lesson: Path) -> None:
    fresh = load_lesson(lesson)
    first = load_lesson_cached(lesson)
    assert len(_entries(home)) == 1
    second = load_lesson_cached(lesson)
    assert first == fresh and second == fresh
    assert second.path == lesson
    assert lesson_steps_cached(lesson) == len(fresh.steps)


def test_an_edited_lesson_is_never_served_from_the_cache(home: Path, lesson: Path) -> None:
    before = load_lesson_cached(lesson)
    text = lesson.read_text(encoding="utf-8")
    assert 'title: "' in text
    lesson.write_text(text.replace('title: "', 'title: "Edited ', 1), encoding="utf-8")
    after = load_lesson_cached(lesson)
    assert after.lesson.title == "Edited " + before.lesson.title
    assert len(_entries(home)) == 2


def test_a_broken_lesson_raises_and_is_not_cached(home: Path, lesson: Path) -> None:
    load_lesson_cached(lesson)
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nnot_a_field: 1\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_lesson_cached(lesson)
    assert any("not_a_field" in str(p) for p in caught.value.problems)
    with pytest.raises(LoadError):
        lesson_steps_cached(lesson)
    assert len(_entries(home)) == 1


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_an_unreadable_cache_file_is_ignored_and_replaced(home: Path, lesson: Path, garbage: bytes) -> None:
    expected = load_lesson_cached(lesson)
    (entry,) = _entries(home)
    entry.write_bytes(garbage)
    assert load_lesson_cached(lesson) == expected
    assert lesson_steps_cached(lesson) == len(expected.steps)
    assert entry.read_bytes() != garbage


def test_an_entry_of_another_key_is_ignored(home: Path, lesson: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    shutil.copy(resolve("expiry"), other)
    load_lesson_cached(lesson)
    load_lesson_cached(other)
    a, b = _entries(home)
    a_bytes, b_bytes = a.read_bytes(), b.read_bytes()
    a.write_bytes(b_bytes)  # a renamed entry must not be served for the other file
    b.write_bytes(a_bytes)
    assert load_lesson_cached(lesson) == load_lesson(lesson)
    assert load_lesson_cached(other) == load_lesson(other)


def test_an_unwritable_cache_only_costs_time(home: Path, lesson: Path) -> None:
    home.mkdir(parents=True)
    (home / "cache").write_text("a file where the folder should be", encoding="utf-8")
    assert load_lesson_cached(lesson) == load_lesson(lesson)


def test_a_missing_file_gives_the_same_error_as_without_cache(home: Path, tmp_path: Path) -> None:
    with pytest.raises(LoadError) as cached:
        load_lesson_cached(tmp_path / "nope.yaml")
    with pytest.raises(LoadError) as plain:
        load_lesson(tmp_path / "nope.yaml")
    assert [str(p) for p in cached.value.problems] == [str(p) for p in plain.value.problems]


def test_the_code_signature_changes_the_key(home: Path, lesson: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_lesson_cached(lesson)
    monkeypatch.setattr(loader, "_code_signature", b"other code")
    load_lesson_cached(lesson)
    assert len(_entries(home)) == 2


def test_a_cached_open_imports_neither_the_engine_run_nor_the_validator(home: Path, lesson: Path) -> None:
    code = (
        "import json, sys\n"
        "from tutor.lesson.loader import load_lesson_cached, lesson_steps_cached\n"
        f"steps = lesson_steps_cached({str(lesson)!r})\n"
        "after_count = sorted(m for m in ('msgspec', 'tutor.lesson.model') if m in sys.modules)\n"
        f"loaded = load_lesson_cached({str(lesson)!r})\n"
        "print(json.dumps({'steps': steps, 'rows': len(loaded.steps), 'after_count': after_count,\n"
        "    'engine': sorted(m for m in ('tutor.engine.simulation', 'tutor.lesson.validate', 'http.cookies')\n"
        "                    if m in sys.modules)}))\n"
    )
    env = {**os.environ, "TUTOR_HOME": str(home)}
    load_lesson_cached(lesson)  # fills the cache
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout)
    assert result == {"steps": result["rows"], "rows": result["rows"], "after_count": [], "engine": []}
