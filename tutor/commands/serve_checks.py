"""What `tutor serve` accepts from a client, decided without a server: a websocket message typed and
bounded (:func:`check_message`, sizes clamped into :data:`COLUMNS` x :data:`ROWS`), which hosts are this
machine only (:func:`is_loopback`, whose home is :mod:`tutor.engine.setcookie`; the Host and Origin checks of :mod:`tutor.commands.serve_server` read
their host and port with :func:`host_only` / :func:`port_of`), and the log filter that keeps every token out
of the log (:class:`Redact`). No aiohttp or textual-serve here: the rules are tested on their own."""

from __future__ import annotations

from tutor.engine.setcookie import is_loopback as is_loopback  # (its home; serve and serve_server import it here)

#: The terminal sizes a client may ask for (columns, rows); a number outside is clamped into them.
COLUMNS = (20, 500)
ROWS = (10, 200)
#: The largest websocket frame a client may send (aiohttp closes the socket on a larger one).
MAX_FRAME = 64 * 1024


def clamp(value: object, bounds: tuple[int, int], default: int) -> int:
    """``value`` (an int, or the text of one) clamped into ``bounds``; ``default`` when it is not a number."""
    if isinstance(value, bool):
        return default
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii() or not value.lstrip("-").isdigit() or len(value) > 12:
            return default
        value = int(value)
    if not isinstance(value, int):
        return default
    return max(bounds[0], min(bounds[1], value))


class BadMessage(ValueError):
    """A websocket message from the client that is not one the page sends: its session is closed."""


def check_message(raw: str) -> tuple[str, object]:
    """A client message (``["stdin", text]``, ``["resize", {width, height}]``, ``["ping", x]``, ``["blur"]``,
    ``["focus"]``) typed and bounded: (type, value) with sizes clamped; :class:`BadMessage` otherwise."""
    import json

    try:
        envelope = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise BadMessage("not JSON") from None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        raise BadMessage("not a [type, ...] list")
    kind = envelope[0]
    if kind == "stdin":
        if len(envelope) != 2 or not isinstance(envelope[1], str):
            raise BadMessage("stdin without text")
        return kind, envelope[1]
    if kind == "resize":
        if len(envelope) != 2 or not isinstance(envelope[1], dict):
            raise BadMessage("resize without a size")
        size = envelope[1]
        return kind, (clamp(size.get("width"), COLUMNS, 80), clamp(size.get("height"), ROWS, 24))
    if kind == "ping":
        if (
            len(envelope) != 2
            or not isinstance(envelope[1], (str, int))
            or isinstance(envelope[1], bool)
            or len(str(envelope[1])) > 64
        ):
            raise BadMessage("ping without a short value")
        return kind, envelope[1]
    if kind in ("blur", "focus"):
        return kind, None
    raise BadMessage(f"unknown message type {kind[:20]!r}")


class Redact:
    """A logging filter: every token of the server replaced by ``…`` in a record (a traceback becomes
    its last line, redacted too), so the log never shows a token (issue 18 §8)."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens

    def redact(self, text: str) -> str:
        for token in self.tokens:
            text = text.replace(token, "…")
        return text

    def filter(self, record: object) -> bool:
        import traceback

        message = record.getMessage()  # type: ignore[attr-defined]
        exc_info = getattr(record, "exc_info", None)
        if exc_info and exc_info[1] is not None:
            message += " (" + "".join(traceback.format_exception_only(exc_info[1])).strip() + ")"
            record.exc_info = None  # type: ignore[attr-defined]
            record.exc_text = None  # type: ignore[attr-defined]
        record.msg = self.redact(message)  # type: ignore[attr-defined]
        record.args = ()  # type: ignore[attr-defined]
        return True


def host_only(value: str) -> str:
    """``localhost`` from ``localhost:8000``, ``::1`` from ``[::1]:8000``."""
    value = value.strip()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def port_of(value: str, default: int) -> int:
    tail = value.rsplit("]", 1)[-1] if value.startswith("[") else value
    if tail.count(":") == 1:
        try:
            return int(tail.rsplit(":", 1)[1])
        except ValueError:
            return -1
    return default
