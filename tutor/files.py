"""Files and folders of the user's own: made private (no layer of its own; any module may use it)."""

from __future__ import annotations

import os
from pathlib import Path

#: How many numbered names :func:`create_numbered` tries before it gives up (a folder full of
#: ``playground-N.yaml`` files, or of links by those names, must not make it spin).
MAX_TRIES = 1000
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


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


def create_new(path: Path, data: str | bytes, *, mode: int = 0o644) -> None:
    """Create ``path`` holding ``data``; never through a link and never over anything already there.

    ``O_CREAT | O_EXCL`` (with ``O_NOFOLLOW``): the name must be free at the moment of creation, so a
    dangling symlink, a file made meanwhile by another process, a FIFO or a device all raise
    ``FileExistsError`` instead of being written through. A write that fails part-way removes the file.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, _NEW, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
    except BaseException:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise


def replace_file(path: Path, data: str | bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` replacing what is there (the user asked: ``--force``): written to a new
    temporary file in the same folder and renamed over the name, so a symlink at ``path`` is replaced
    itself and the file it points to is never written. Raises ``OSError``."""
    for n in range(MAX_TRIES):
        temp = path.with_name(f".{path.name}.{os.getpid()}.{n}.tmp")
        try:
            create_new(temp, data, mode=mode)
        except FileExistsError:
            continue
        try:
            os.replace(temp, path)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
        return
    raise FileExistsError(17, f"no free temporary name after {MAX_TRIES} tries", str(path))


def create_numbered(
    folder: Path, stem: str, suffix: str, data: str | bytes | None = None, *, render: object = None, mode: int = 0o644
) -> Path:
    """Create ``folder/STEM-N.SUFFIX`` for the first N from 1 whose name is free (see :func:`create_new`)
    and return it. ``render(path)`` (a callable) gives the text when it depends on the name. Gives up after
    :data:`MAX_TRIES` taken names with ``FileExistsError`` naming the folder (never spins)."""
    for n in range(1, MAX_TRIES + 1):
        path = folder / f"{stem}-{n}{suffix}"
        try:
            body = render(path) if callable(render) else data
            create_new(path, body if body is not None else b"", mode=mode)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(17, f"no free name {stem}-N{suffix} after {MAX_TRIES} tries", str(folder))


__all__ = ["MAX_TRIES", "create_new", "create_numbered", "make_private_dirs", "replace_file"]
