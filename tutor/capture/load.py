"""Which files are captures, and a capture read and replayed in one call (the commands' entry point).

Importing this module is cheap: `tutor open LESSON` asks :func:`is_capture` before its first frame, and
the HAR reader and the replay (the engine's jar) are imported only by :func:`load_capture`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    first_window: bool = True,
) -> tuple[Replay, Capture]:
    """`tutor open`: the first ``upto`` requests replayed, and the capture kept open for the walkthrough's
    other windows (:class:`Capture`). ``first_window``: from the file's first entries before the whole
    file is checked (:func:`tutor.capture.lazy.open_first`; ``Replay.counted`` false: the check is
    :meth:`Capture.confirm`, after the first frame); else checked whole first (:func:`open_har`). Raises
    as :func:`load_capture`."""
    from tutor.capture.lazy import open_first, open_har

    har = open_first(path, upto) if first_window else open_har(path)
    capture = Capture(har, kind=kind, third_party=third_party, session_cookie=session_cookie, show_values=show_values)
    try:
        return capture.window(upto), capture
    except BaseException:
        capture.close()
        raise


class Capture:
    """A capture open for the walkthrough: :meth:`window` replays on from the furthest window replayed
    (`>`) or cuts a nearer one from it (`<`), as :class:`tutor.capture.replay.Replayer` does: the same
    replay as from the first request, without replaying from it. Memory: one replay of the requests up
    to the furthest window reached (at most the whole capture's, as `tutor show` holds), no copy per
    window."""

    def __init__(self, har: LazyHar, **options: Any) -> None:
        from tutor.capture.replay import Replayer

        self.har = har
        self.options = options
        self._replayer = Replayer(har, **options)

    def window(self, upto: int) -> Replay:
        """The replay of the capture's first ``upto`` requests (raises a bad entry's ``HarError``)."""
        return self._replayer.replay(upto)

    def confirm(self) -> tuple[int, str | None]:
        """The whole-file check (:meth:`tutor.capture.lazy.LazyHar.confirm`); when the first window must
        be replayed again, the replay starts again from the first request, in the time order."""
        from tutor.capture.replay import Replayer

        count, again = self.har.confirm()
        if again is not None:
            self._replayer = Replayer(self.har, **self.options)
        return count, again

    def close(self) -> None:
        self.har.close()


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


__all__ = ["Capture", "is_capture", "load_capture", "open_capture"]
