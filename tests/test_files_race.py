"""Racing names and unusable candidates, beside tests/test_files.py (issue 18, round three as a whole): processes
creating the same name at once never overwrite each other (one wins, the others get the next name or
FileExistsError), and a folder whose every candidate is a directory or a link ends in a clear error after a
bounded number of tries, never following a link."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from tutor import files

WORKERS = 6


def _numbered(folder: str, barrier, queue, n: int) -> None:
    barrier.wait()
    try:
        path = files.create_numbered(Path(folder), "playground", ".yaml", f"worker {n}\n")
    except OSError as exc:
        queue.put((n, "error", repr(exc)))
    else:
        queue.put((n, "made", path.name))


def _same_name(path: str, barrier, queue, n: int) -> None:
    barrier.wait()
    try:
        files.create_new(Path(path), f"worker {n}\n")
    except FileExistsError:
        queue.put((n, "exists", ""))
    else:
        queue.put((n, "made", path))


def _race(target, arg: str) -> list[tuple[int, str, str]]:
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    barrier, queue = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [ctx.Process(target=target, args=(arg, barrier, queue, n)) for n in range(WORKERS)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def test_processes_racing_for_numbered_names_each_get_their_own(tmp_path: Path) -> None:
    (tmp_path / "playground-2.yaml").write_text("mine\n", encoding="utf-8")
    results = _race(_numbered, str(tmp_path))
    names = {name for _, kind, name in results if kind == "made"}
    assert len(names) == WORKERS, results  # nobody lost, nobody shared a name
    assert "playground-2.yaml" not in names
    assert (tmp_path / "playground-2.yaml").read_text(encoding="utf-8") == "mine\n"
    for n, _, name in results:
        assert (tmp_path / name).read_text(encoding="utf-8") == f"worker {n}\n"  # never overwritten


def test_processes_racing_for_one_name_one_wins_and_the_others_are_told(tmp_path: Path) -> None:
    target = tmp_path / "my-lesson.yaml"
    results = _race(_same_name, str(target))
    winners = [n for n, kind, _ in results if kind == "made"]
    assert len(winners) == 1 and sum(kind == "exists" for _, kind, _ in results) == WORKERS - 1
    assert target.read_text(encoding="utf-8") == f"worker {winners[0]}\n"


@pytest.mark.parametrize("kind", ["directory", "dangling link", "link to a file"])
def test_every_candidate_unusable_is_a_bounded_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(files, "MAX_TRIES", 25)
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "folder"
    folder.mkdir()
    for n in range(1, 26):
        name = folder / f"session-tutor-{n}.svg"
        if kind == "directory":
            name.mkdir()
        elif kind == "dangling link":
            name.symlink_to(outside / f"target-{n}")
        else:
            (outside / f"target-{n}").write_text("keep\n", encoding="utf-8")
            name.symlink_to(outside / f"target-{n}")
    with pytest.raises(FileExistsError, match="after 25 tries"):
        files.create_numbered(folder, "session-tutor", ".svg", "<svg/>")
    if kind == "dangling link":
        assert list(outside.iterdir()) == []  # no link was followed
    if kind == "link to a file":
        assert {p.read_text(encoding="utf-8") for p in outside.iterdir()} == {"keep\n"}
    with pytest.raises(FileExistsError):
        files.create_new(folder / "session-tutor-1.svg", "x")


def test_replace_file_replaces_a_link_not_its_target_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "lesson.yaml"
    link.symlink_to(target)
    for n in range(3):  # temporary names left by a crashed writer do not stop it
        (tmp_path / f".lesson.yaml.{os.getpid()}.{n}.tmp").symlink_to(tmp_path / "nowhere")
    files.replace_file(link, "new\n")
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "new\n"
    assert target.read_text(encoding="utf-8") == "keep\n"
    assert not (tmp_path / "nowhere").exists()
