"""The lesson cache (tutor.lesson.loader.load_lesson_cached, tutor.lesson.cache): never stale, never harmful,
never code, private, bounded, really used."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.lesson import cache
from tutor.lesson.catalog import resolve
from tutor.lesson.loader import LoadError, lesson_steps_cached, load_lesson, load_lesson_cached


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.yaml"
    shutil.copy(resolve("session-lifecycle"), path)
    return path


def _entries(home: Path) -> list[Path]:
    folder = home / "cache" / "lessons"
    return sorted(folder.glob("*.msgpack")) if folder.is_dir() else []


def _rewrite(entry: Path, change) -> None:
    """Decode the entry's body as plain MessagePack (lesson, steps, log, rows), let ``change`` edit it,
    write it back under the same header: a well-formed entry with other contents."""
    import msgspec

    header, body = entry.read_bytes().split(b"\n", 1)
    lesson, steps, log, rows = msgspec.msgpack.decode(body)
    parts = {"lesson": lesson, "steps": steps, "log": log, "rows": rows}
    change(parts)
    new_body = msgspec.msgpack.encode([parts["lesson"], parts["steps"], parts["log"], parts["rows"]])
    _magic, key, count, _digest = header.split(b" ")
    # the same header, with the digest of the new body (a damaged body is a miss: see the random-bodies test)
    entry.write_bytes(cache._header(key.decode(), int(count), new_body) + new_body)


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


@pytest.mark.parametrize("garbage", [b"", b"not msgpack", b"\x80\x05K\x01.", b"tutor-lesson-cache/2 x 1\n\x93"])
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
    monkeypatch.setattr(cache, "_code_signature", b"other code")
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
        "    'engine': sorted(m for m in ('tutor.engine.simulation', 'tutor.lesson.validate', 'publicsuffixlist', 'yaml')\n"
        "                    if m in sys.modules)}))\n"
    )
    env = {**os.environ, "TUTOR_HOME": str(home)}
    load_lesson_cached(lesson)  # fills the cache
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout)
    assert result == {"steps": result["rows"], "rows": result["rows"], "after_count": [], "engine": []}


def test_tutor_open_on_a_warm_cache_imports_no_yaml(tmp_path: Path) -> None:
    # the real command line up to the moment it starts the app (bench/appdriver.py keeps the app instead);
    # asking whether the argument is a HAR capture imports no HAR reader or replay either
    root = Path(__file__).resolve().parent.parent
    code = (
        "import sys\n"
        "from bench.appdriver import app_for\n"
        "app_for(['open', 'session-lifecycle'])\n"
        "print(sorted(m for m in ('yaml', 'tutor.lesson.validate', 'tutor.engine.simulation', 'tutor.capture.replay')\n"
        "             if m in sys.modules))\n"
    )
    env = {**os.environ, "TUTOR_HOME": str(tmp_path / "home")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["['tutor.engine.simulation', 'tutor.lesson.validate', 'yaml']", "[]"]  # cold, then warm


# --- nothing read back can run code ------------------------------------------------------------------


class _Payload:
    """Unpickling this creates ``marker``: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_planted_pickle_at_the_right_key_runs_nothing(home: Path, lesson: Path, tmp_path: Path) -> None:
    import pickle

    expected = load_lesson_cached(lesson)  # the real entry: its name carries the right key
    folder = home / "cache" / "lessons"
    planted = [p for p in folder.iterdir() if not p.name.startswith(".")]
    assert planted
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(_Payload(marker))
    for entry in planted:  # the entry itself, and a pickle beside it under the same key
        entry.write_bytes(payload)
        entry.with_suffix(".pickle").write_bytes(payload)
    assert lesson_steps_cached(lesson) == len(expected.steps)
    assert load_lesson_cached(lesson) == expected
    assert not marker.exists(), "a planted pickle ran"
    assert not list(folder.glob("*.pickle"))  # old-format entries are deleted unread


def test_the_cache_never_imports_pickle(home: Path, lesson: Path) -> None:
    code = (
        "import sys\n"
        "from tutor.lesson.loader import load_lesson_cached, lesson_steps_cached\n"
        f"lesson_steps_cached({str(lesson)!r}); load_lesson_cached({str(lesson)!r})\n"
        "print('pickle' in sys.modules, 'shelve' in sys.modules)\n"
    )
    env = {**os.environ, "TUTOR_HOME": str(home)}
    load_lesson_cached(lesson)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_an_entry_with_values_the_model_forbids_is_ignored(home: Path, lesson: Path) -> None:
    expected = load_lesson_cached(lesson)
    (entry,) = _entries(home)
    _rewrite(entry, lambda e: e["lesson"].update(id="../../etc/passwd", title="Planted"))
    assert load_lesson_cached(lesson) == expected  # msgspec checks the id pattern: the entry is refused


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e.update(rows=[10**6] * len(e["rows"])),  # rows outside the trace
        lambda e: e["steps"][0].__setitem__(10, 10**6),  # a step's variables beyond the log
        lambda e: e["log"][0].__setitem__(1, [5, 3]),  # positions that do not increase
        lambda e: e["log"].append(e["log"][0]),  # a variable twice
        lambda e: e["steps"][0].__setitem__(4, 7),  # an action that is not text
    ],
)
def test_an_inconsistent_entry_is_ignored(home: Path, lesson: Path, change) -> None:
    expected = load_lesson_cached(lesson)
    (entry,) = _entries(home)
    _rewrite(entry, change)
    assert load_lesson_cached(lesson) == expected


def test_an_entry_stores_what_changed_not_every_step(home: Path, lesson: Path) -> None:
    """The variables are stored as the engine records them: values only where they changed."""
    import msgspec

    loaded = load_lesson_cached(lesson)
    (entry,) = _entries(home)
    _, _, log, _ = msgspec.msgpack.decode(entry.read_bytes().split(b"\n", 1)[1])
    stored = sum(len(values) for _, _, values in log)
    assert stored == load_lesson(lesson).trace[0].variables.log.changes()
    assert stored < len(loaded.trace) * len(log)  # far fewer than one value per variable per step


# --- private folders, other people's folders ---------------------------------------------------------


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_folders_are_0700_and_entries_0600_even_under_umask_002(home: Path, lesson: Path) -> None:
    old = os.umask(0o002)
    try:
        load_lesson_cached(lesson)
    finally:
        os.umask(old)
    assert _mode(home) == 0o700
    assert _mode(home / "cache") == 0o700
    assert _mode(home / "cache" / "lessons") == 0o700
    (entry,) = _entries(home)
    assert _mode(entry) == 0o600


def test_an_own_folder_others_may_write_to_is_made_private(home: Path, lesson: Path) -> None:
    folder = home / "cache" / "lessons"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    (home / "cache").chmod(0o775)
    load_lesson_cached(lesson)
    assert _mode(folder) == 0o700 and _mode(home / "cache") == 0o700
    assert len(_entries(home)) == 1


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="needs POSIX owners")
def test_a_cache_folder_of_another_user_is_neither_read_nor_written(
    home: Path, lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load_lesson_cached(lesson)
    (entry,) = _entries(home)
    _rewrite(entry, lambda e: e["lesson"].update(title="Spoofed by another user"))
    assert load_lesson_cached(lesson).lesson.title == "Spoofed by another user"  # (a well-formed entry is used)
    before = {p.name: p.read_bytes() for p in (home / "cache" / "lessons").iterdir()}
    monkeypatch.setattr(cache, "_uid", lambda: os.getuid() + 1)  # now the folders belong to someone else
    assert load_lesson_cached(lesson) == expected
    assert lesson_steps_cached(lesson) == len(expected.steps)
    other = lesson.with_name("other.yaml")
    shutil.copy(resolve("expiry"), other)
    load_lesson_cached(other)
    assert {p.name: p.read_bytes() for p in (home / "cache" / "lessons").iterdir()} == before


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="chown to another user needs root")
def test_a_cache_folder_really_owned_by_another_user_is_ignored(home: Path, lesson: Path) -> None:
    load_lesson_cached(lesson)
    (entry,) = _entries(home)
    entry.write_bytes(b"tutor-lesson-cache/2 " + entry.stem.encode() + b" 999999\n")
    os.chown(home / "cache" / "lessons", 12345, 12345)
    assert lesson_steps_cached(lesson) == len(load_lesson(lesson).steps)


def test_a_symlinked_cache_folder_is_ignored(home: Path, lesson: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (home / "cache").mkdir(parents=True)
    (home / "cache" / "lessons").symlink_to(elsewhere)
    assert load_lesson_cached(lesson) == load_lesson(lesson)
    assert list(elsewhere.iterdir()) == []


# --- bounded ------------------------------------------------------------------------------------------


def test_an_entry_over_the_size_cap_is_not_written(home: Path, lesson: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 10_000)  # the lesson's entry takes ~40 KB
    assert load_lesson_cached(lesson) == load_lesson(lesson)
    assert _entries(home) == []


def test_the_cache_keeps_the_newest_entries_within_its_byte_cap(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for name in ("session-lifecycle", "expiry", "cookie-attributes"):
        path = tmp_path / f"{name}.yaml"
        shutil.copy(resolve(name), path)
        paths.append(path)
    load_lesson_cached(paths[0])
    (first,) = _entries(home)
    monkeypatch.setattr(cache, "MAX_TOTAL_BYTES", first.stat().st_size * 2 + 1000)
    os.utime(first, ns=(1, 1))  # the oldest
    sizes: dict[Path, int] = {}
    for path in paths[1:]:
        before = set(_entries(home))
        load_lesson_cached(path)
        (written,) = set(_entries(home)) - before  # the entry this load wrote
        sizes[written] = written.stat().st_size
    kept = _entries(home)
    assert first not in kept
    # the newest entries are kept while their sizes fit the cap, newest first; the rest go
    newest, second = list(sizes)[::-1]
    expected = {newest, second} if sizes[newest] + sizes[second] <= cache.MAX_TOTAL_BYTES else {newest}
    assert set(kept) == expected


def test_the_cache_keeps_at_most_max_files_entries(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_FILES", 2)
    for name in ("session-lifecycle", "expiry", "cookie-attributes"):
        path = tmp_path / f"{name}.yaml"
        shutil.copy(resolve(name), path)
        load_lesson_cached(path)
    assert len(_entries(home)) == 2


def test_random_bodies_after_a_valid_header_are_ignored(home: Path, lesson: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    expected = load_lesson_cached(lesson)
    (entry,) = _entries(home)
    header, body = entry.read_bytes().split(b"\n", 1)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.one_of(
            st.binary(max_size=300),
            st.tuples(st.integers(0, len(body)), st.binary(max_size=20)).map(lambda c: body[: c[0]] + c[1]),
        )
    )
    def check(garbage: bytes) -> None:
        entry.write_bytes(header + b"\n" + garbage)
        found = cache.read(entry.stem)
        assert found is None or (found[0] == expected.lesson and found[2] == expected.steps)

    check()
