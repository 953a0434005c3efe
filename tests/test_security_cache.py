"""The lesson cache validated on read (issue 18, round three as a whole): an entry that carries an object
the layout does not know (an extra part, an unknown key in the lesson, a value of another type) is
refused as a miss, and the lesson is loaded from its file instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_loader_cache import _entries, _rewrite, lesson  # noqa: F401

from tutor.lesson.loader import load_lesson_cached


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e["lesson"].update(planted={"run": "rm -rf ~"}),  # an unknown key in the lesson
        lambda e: e["lesson"].update(title=["not", "text"]),  # a value of another type
        lambda e: e["log"][0].__setitem__(2, "not a list"),
    ],
    ids=["unknown-key", "wrong-type", "wrong-log"],
)
def test_an_entry_with_an_unknown_object_is_refused(home: Path, lesson: Path, change) -> None:  # noqa: F811
    expected = load_lesson_cached(lesson)
    (entry,) = _entries(home)
    _rewrite(entry, change)
    before = entry.read_bytes()
    assert load_lesson_cached(lesson) == expected
    assert entry.read_bytes() != before  # refused: rewritten from the lesson file


def test_an_entry_with_a_part_more_than_the_layout_is_refused(home: Path, lesson: Path) -> None:  # noqa: F811
    import msgspec

    from tutor.lesson import cache

    expected = load_lesson_cached(lesson)
    (entry,) = _entries(home)
    header, body = entry.read_bytes().split(b"\n", 1)
    parts = msgspec.msgpack.decode(body)
    parts[0]["title"] = "Planted title"
    new_body = msgspec.msgpack.encode([*parts, {"planted": True}])
    _magic, key, count, _digest = header.split(b" ")
    entry.write_bytes(cache._header(key.decode(), int(count), new_body) + new_body)
    assert load_lesson_cached(lesson) == expected  # not the planted title: the entry was refused
