"""Which files are captures, and a capture read and replayed in one call (the commands' entry point).

Importing this module is cheap: `tutor open LESSON` asks :func:`is_capture` before its first frame, and
the HAR reader and the replay (the engine's jar) are imported only by :func:`load_capture`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.capture.lazy import LazyHar
    from tutor.capture.replay import Replay


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
    from tutor.capture.lazy import open_har

    return _replayed(open_har(path), kind, third_party, session_cookie, show_values, upto)


def open_capture(
    path: Path,
    *,
    kind: str | None = None,
    third_party: str | None = None,
    session_cookie: str | None = None,
    show_values: bool = False,
    upto: int,
) -> tuple[Replay, LazyHar | None]:
    """`tutor open`'s first window: its first ``upto`` requests replayed from the file's first entries
    before the whole file is checked (:func:`tutor.capture.lazy.open_first`; ``Replay.counted`` false),
    and the capture to :meth:`~tutor.capture.lazy.LazyHar.confirm` after the first frame (None: the file
    was checked whole already, as :func:`load_capture` does). Raises as :func:`load_capture`."""
    from tutor.capture.lazy import open_first

    har = open_first(path, upto)
    replayed = _replayed(har, kind, third_party, session_cookie, show_values, upto)
    return replayed, None if har.counted else har


def _replayed(
    har: LazyHar,
    kind: str | None,
    third_party: str | None,
    session_cookie: str | None,
    show_values: bool,
    upto: int | None,
) -> Replay:
    from tutor.capture.replay import replay

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


__all__ = ["is_capture", "load_capture", "open_capture"]
