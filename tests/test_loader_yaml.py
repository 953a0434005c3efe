"""Section 1: reading YAML safely. Every kind of bad input, with its exact position, is in the bad-input
table (`tests/loader_error_cases.py`); here what is read, and the files that cannot be opened."""

from __future__ import annotations

import time

import pytest
from test_loader_helpers import TEXT, mutate

from tutor.lesson.loader import load_lesson
from tutor.lesson.yamlsource import MAX_BYTES


def test_the_fixture_is_valid():
    loaded = load_lesson(__import__("test_loader_helpers").FIXTURE)
    assert loaded.lesson.id == "loader-fixture"
    assert [s.step for s in loaded.steps] == list(range(1, len(loaded.steps) + 1))


def test_bom_is_stripped(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert load_lesson(path).lesson.id == "loader-fixture"


def test_standard_explicit_tags_are_fine(tmp_path):
    from test_loader_helpers import write

    text = mutate("minutes: 3\n", "minutes: !!int 3\n").replace("summary: An", "summary: !!str An")
    assert load_lesson(write(tmp_path, text)).lesson.minutes == 3


def test_plain_timestamp_is_just_text(tmp_path):
    from test_loader_helpers import write

    text = mutate("summary: An anonymous visit gets a session; signing in rotates its ID.", "summary: 2024-01-01")
    assert load_lesson(write(tmp_path, text)).lesson.summary == "2024-01-01"


# Hostile input must be read without hanging; the limit is loose on purpose (shared 2-core machines):
# it catches exponential blow-ups, not small slowdowns, which `python -m bench` measures.
HANG = 120.0  # generous: a true blow-up never finishes at all


def test_a_big_valid_looking_file_is_checked_quickly(tmp_path):
    filler = "".join(f"# comment line {i} " + "y" * 60 + "\n" for i in range(12_000))
    text = filler + TEXT
    assert len(text.encode()) < MAX_BYTES
    start = time.perf_counter()
    from test_loader_helpers import write

    assert load_lesson(write(tmp_path, text)).lesson.id == "loader-fixture"
    assert time.perf_counter() - start < HANG


def test_missing_file_and_folder(tmp_path):
    from tutor.lesson.loader import LoadError

    with pytest.raises(LoadError) as info:
        load_lesson(tmp_path / "nope.yaml")
    assert info.value.problems[0].message == "no such file"
    with pytest.raises(LoadError) as info:
        load_lesson(tmp_path)
    assert "folder" in info.value.problems[0].message
