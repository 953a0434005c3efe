"""Reading HAR files: the browsers' quirks, bodies dropped, and one positioned error for a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.capture.har import HarError, header_values, line_col, locate, read_har, started
from tutor.capture.lazy import open_har

HAND = Path(__file__).parent / "fixtures" / "har" / "hand"


def read_lazily(path: Path) -> list:
    """The lazy reader (`tutor open` / `tutor show`), every entry decoded: the same errors, the same places."""
    har = open_har(path)
    try:
        return [har.log.entries[i] for i in har.order()]
    finally:
        har.close()


READERS = pytest.mark.parametrize("read", [read_har, read_lazily], ids=["eager", "lazy"])


def write(tmp_path: Path, text: str | bytes, name: str = "c.har") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_chrome_fields_are_read_and_unknown_fields_ignored() -> None:
    har = read_har(HAND / "nextauth-chromium.har")
    first = har.log.entries[0]
    assert first.resource_type == "document"
    assert first.initiator is not None and first.initiator.type == "other"
    assert har.log.creator.name == "WebInspector"
    # HTTP/2 pseudo-headers are headers like any other; two `cookie` headers (RFC 9113 §8.2.3) both count
    assert header_values(first.request.headers, ":authority") == ["app.example"]
    assert len(header_values(har.log.entries[2].request.headers, "Cookie")) == 2


def test_bodies_are_never_kept() -> None:
    har = read_har(HAND / "nextauth-chromium.har")
    assert "SECRET-BODY" not in repr(har) and "hunter2" not in repr(har)
    entries = read_lazily(HAND / "nextauth-chromium.har")
    assert (
        len(entries) == len(har.log.entries) and "SECRET-BODY" not in repr(entries) and "hunter2" not in repr(entries)
    )


def test_firefox_joins_set_cookie_lines_and_has_no_resource_type() -> None:
    har = read_har(HAND / "php-firefox.har")
    assert har.log.browser is not None and har.log.browser.name == "Firefox"
    assert har.log.entries[0].resource_type is None
    assert header_values(har.log.entries[0].response.headers, "set-cookie") == [
        "PHPSESSID=aaa111; path=/",
        "lang=en; Max-Age=31536000",
    ]


def test_missing_and_negative_timings_and_offsets_in_dates() -> None:
    har = read_har(HAND / "php-firefox.har")
    assert started(har.log.entries[0]) == started(har.log.entries[0])  # an offset date reads
    assert read_har(HAND / "nextauth-chromium.har").log.entries[0].time == -1


@READERS
def test_truncated_file_points_at_its_end(tmp_path: Path, read) -> None:
    text = (HAND / "php-firefox.har").read_text()[:300]
    with pytest.raises(HarError) as exc:
        read(write(tmp_path, text))
    lines = text.split("\n")
    assert (exc.value.line, exc.value.column) == (len(lines), len(lines[-1]) + 1)
    assert "truncated" in str(exc.value) and str(exc.value).startswith(str(tmp_path / "c.har") + ":")


@READERS
def test_not_json(tmp_path: Path, read) -> None:
    with pytest.raises(HarError) as exc:
        read(write(tmp_path, '{\n  "log": nope\n}'))
    assert exc.value.line == 2 and 10 <= exc.value.column <= 14  # msgspec reports where it gave up
    assert "error: not JSON" in str(exc.value)


@READERS
def test_empty_file(tmp_path: Path, read) -> None:
    with pytest.raises(HarError) as exc:
        read(write(tmp_path, b""))
    assert str(exc.value).endswith(":1:1: error: the file is empty: expected a HAR (JSON with a `log` object)")


@READERS
def test_json_but_not_har(tmp_path: Path, read) -> None:
    with pytest.raises(HarError) as exc:
        read(write(tmp_path, '{\n  "lag": {}\n}'))
    assert (exc.value.line, exc.value.column) == (1, 1)
    assert "missing required field `log`" in str(exc.value)


@READERS
def test_wrong_type_deep_inside_points_at_the_value(tmp_path: Path, read) -> None:
    har = json.loads((HAND / "nextauth-chromium.har").read_text())
    har["log"]["entries"][3]["request"]["method"] = 7
    text = json.dumps(har, indent=2)
    with pytest.raises(HarError) as exc:
        read(write(tmp_path, text))
    lines = text.split("\n")
    line = exc.value.line
    assert lines[line - 1].strip() == '"method": 7,'
    assert lines[line - 1][exc.value.column - 1] == "7"
    assert "$.log.entries[3].request.method" in exc.value.message


@READERS
def test_bad_date_is_positioned(tmp_path: Path, read) -> None:
    har = json.loads((HAND / "php-firefox.har").read_text())
    har["log"]["entries"][1]["startedDateTime"] = "yesterday"
    text = json.dumps(har, indent=1)
    with pytest.raises(HarError) as exc:
        read(write(tmp_path, text))
    assert '"startedDateTime": "yesterday"' in text.split("\n")[exc.value.line - 1]


def test_locate_skips_strings_with_brackets_and_escapes() -> None:
    buf = b'{"a": "x]}\\"{", "b": [1, {"c": [true]}, "q"], "d": 5}'
    assert buf[locate(buf, ["d"]) :].startswith(b"5")
    assert buf[locate(buf, ["b", 2]) :].startswith(b'"q"')
    assert buf[locate(buf, ["b", 1, "c", 0]) :].startswith(b"true")
    assert line_col(b"ab\ncd\xc3\xa9f", 7) == (2, 4)
