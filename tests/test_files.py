"""Every file the app creates goes through tutor/files.py (issue 18, "files the app writes", as a class):
never through a link, never over a file already there, no spinning on a name it cannot use, and two
processes racing for one name never both win."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from tutor import files
from tutor.files import create_new, create_numbered, replace_file

RACERS = 8


def test_create_new_never_writes_through_a_link_or_over_anything(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    link = tmp_path / "lesson.yaml"
    link.symlink_to(outside)  # dangling: exists() is False, and a plain open() would create outside.txt
    with pytest.raises(FileExistsError):
        create_new(link, "x")
    assert not outside.exists() and link.is_symlink()

    kept = tmp_path / "kept.yaml"
    kept.write_text("mine")
    with pytest.raises(FileExistsError):
        create_new(kept, "theirs")
    assert kept.read_text() == "mine"

    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(FileExistsError):  # an open() for writing would block here
        create_new(fifo, "x")

    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(FileExistsError):
        create_new(tmp_path / "dir.yaml", "x")


def test_replace_file_replaces_the_link_itself_never_its_target(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("someone else's")
    link = tmp_path / "export.yaml"
    link.symlink_to(target)
    replace_file(link, "new")
    assert not link.is_symlink() and link.read_text() == "new"
    assert target.read_text() == "someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.yaml", "target.txt"]  # no temporary left


def test_create_numbered_skips_unusable_names_and_gives_up_after_a_bounded_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "playground-1.yaml").symlink_to(tmp_path / "nowhere")  # the dangling link of issue 18 §1
    (tmp_path / "playground-2.yaml").mkdir()
    (tmp_path / "playground-3.yaml").write_text("kept")
    made = create_numbered(tmp_path, "playground", ".yaml", "new")
    assert made.name == "playground-4.yaml" and made.read_text() == "new"
    assert (tmp_path / "playground-3.yaml").read_text() == "kept" and not (tmp_path / "nowhere").exists()

    monkeypatch.setattr(files, "MAX_TRIES", 5)
    full = tmp_path / "full"
    full.mkdir()
    for n in range(1, 6):
        (full / f"shot-{n}.svg").symlink_to(full / f"missing-{n}")
    with pytest.raises(FileExistsError, match=r"no free name shot-N\.svg after 5 tries"):
        create_numbered(full, "shot", ".svg", "x")
    assert sorted(p.name for p in full.iterdir()) == [f"shot-{n}.svg" for n in range(1, 6)]


def _race_numbered(folder: str, me: int, barrier, results) -> None:
    barrier.wait()
    path = create_numbered(Path(folder), "playground", ".yaml", f"racer {me}\n")
    results.put((me, path.name))


def _race_one_name(folder: str, me: int, barrier, results) -> None:
    barrier.wait()
    try:
        create_new(Path(folder) / "my-lesson.yaml", f"racer {me}\n")
    except FileExistsError:
        results.put((me, None))
    else:
        results.put((me, "my-lesson.yaml"))


def _race(target, folder: Path) -> dict[int, str | None]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RACERS)
    results = context.Queue()
    procs = [context.Process(target=target, args=(str(folder), me, barrier, results)) for me in range(RACERS)]
    for proc in procs:
        proc.start()
    found = dict(results.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return found


def test_processes_racing_for_numbered_names_each_get_their_own(tmp_path: Path) -> None:
    found = _race(_race_numbered, tmp_path)
    names = list(found.values())
    assert sorted(names) == sorted(f"playground-{n}.yaml" for n in range(1, RACERS + 1))  # no name twice
    for me, name in found.items():
        assert (tmp_path / str(name)).read_text() == f"racer {me}\n"  # nobody's file written over


def test_processes_racing_for_one_name_one_wins_the_others_are_told(tmp_path: Path) -> None:
    found = _race(_race_one_name, tmp_path)
    winners = [me for me, name in found.items() if name is not None]
    assert len(winners) == 1
    assert (tmp_path / "my-lesson.yaml").read_text() == f"racer {winners[0]}\n"
