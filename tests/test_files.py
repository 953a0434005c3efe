"""Every file the app creates goes through tutor/files.py (issue 18, "files the app writes", as a class):
never through a link, never over a file already there, no spinning on a name it cannot use. Racing
processes and `replace_file` over a link: tests/test_files_race.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tutor import files
from tutor.files import create_new, create_numbered


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
