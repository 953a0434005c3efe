"""Files and folders of the user's own: made private (no layer of its own; any module may use it)."""

from __future__ import annotations

from pathlib import Path


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700 (``mkdir -p`` gives only the leaf a mode).

    Folders that exist already are left as they are. Raises ``OSError`` like :meth:`Path.mkdir`.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by another instance
            pass
    if not folder.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(folder))


__all__ = ["make_private_dirs"]
