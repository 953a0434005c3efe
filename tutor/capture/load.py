"""Which files are captures, and a capture read and replayed in one call (the commands' entry point)."""

from __future__ import annotations

from pathlib import Path

from tutor.capture.har import HarError
from tutor.capture.lazy import open_har
from tutor.capture.replay import Replay, replay


def is_capture(target: str) -> bool:
    """``target`` names a HAR file: a ``.har`` suffix, or an existing ``.json`` file whose start holds a
    ``"log"`` key (a HAR saved under another name)."""
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix == ".har":
        return True
    if suffix != ".json" or not path.is_file():
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b'"log"' in head


def load_capture(
    path: Path,
    *,
    kind: str | None = None,
    third_party: str | None = None,
    session_cookie: str | None = None,
    show_values: bool = False,
    upto: int | None = None,
) -> Replay:
    """Read (lazily: :func:`tutor.capture.lazy.open_har`) and replay (the first ``upto`` requests); raises
    :class:`~tutor.capture.har.HarError` (positioned) or ``OSError``."""
    har = open_har(path)
    try:
        return replay(
            har,
            kind=kind,
            third_party=third_party,
            session_cookie=session_cookie,
            show_values=show_values,
            upto=upto,
        )
    finally:
        har.close()


__all__ = ["HarError", "is_capture", "load_capture"]
