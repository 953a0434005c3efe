"""A damaged progress file is moved aside to a name the app claims first (issue 18, round three: no
symlink followed or replaced, nothing another process made overwritten, a bounded number of tries)."""

from __future__ import annotations

from pathlib import Path

from tutor.progress import ProgressStore


def test_a_link_planted_at_the_aside_name_is_left_and_the_next_name_used(home: Path) -> None:
    home.mkdir(parents=True)
    planted = home / "progress.sqlite3.corrupt-1"
    planted.symlink_to(home / "nowhere")
    taken = home / "progress.sqlite3.corrupt-2"
    taken.write_bytes(b"moved aside earlier")
    (home / "progress.sqlite3").write_bytes(b"not sqlite at all")
    with ProgressStore.open() as store:
        assert store.notice is not None and "corrupt-3" in store.notice
    assert planted.is_symlink() and not (home / "nowhere").exists()
    assert taken.read_bytes() == b"moved aside earlier"
    assert (home / "progress.sqlite3.corrupt-3").read_bytes() == b"not sqlite at all"
