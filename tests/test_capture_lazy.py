"""A capture read lazily (tutor.capture.lazy): windows replay to the same jar as a full replay, and a bad
entry late in the file is reported, positioned, when its window is reached (issue 20)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from capture_support import entry as _entry
from capture_support import write

from tutor.capture.har import HarError, read_har
from tutor.capture.lazy import open_har
from tutor.capture.lesson import MAX_SHOWN
from tutor.capture.load import load_capture
from tutor.capture.replay import replay

COUNT = 2 * MAX_SHOWN + 100


@pytest.fixture
def big(tmp_path: Path) -> Path:
    return write(tmp_path / "big.har", [_entry(i) for i in range(COUNT)])


def test_a_later_window_has_the_jar_of_a_full_replay(big: Path) -> None:
    full = replay(read_har(big))  # the whole file decoded at once, replayed to the end
    end = 2 * MAX_SHOWN
    windowed = load_capture(big, upto=end)  # read lazily, replayed to the second window's end
    assert len(windowed.trace) == end and windowed.total == COUNT == len(full.trace)
    for lazy_step, full_step in zip(windowed.trace.steps[MAX_SHOWN:], full.trace.steps[MAX_SHOWN:end], strict=True):
        assert dict(lazy_step.variables) == dict(full_step.variables)
        assert (lazy_step.action, lazy_step.result, lazy_step.session_id) == (
            full_step.action,
            full_step.result,
            full_step.session_id,
        )
    assert [ex.predicted for ex in windowed.exchanges] == [ex.predicted for ex in full.exchanges[:end]]
    assert any("sid" in str(v) for v in windowed.trace.steps[-1].variables.values())


def test_time_order_is_the_full_reads(big: Path) -> None:
    har = open_har(big)
    try:
        assert har.order() == read_har(big).order()
        assert har.order()[:4] == [1, 0, 3, 2]
    finally:
        har.close()


def test_a_bad_entry_late_in_the_file_is_reported_when_its_window_is_reached(tmp_path: Path, big: Path) -> None:
    entries = [_entry(i) for i in range(COUNT)]
    entries[MAX_SHOWN + 40]["response"]["status"] = "ok"
    bad = write(tmp_path / "bad.har", entries)
    assert len(load_capture(bad, upto=MAX_SHOWN).trace) == MAX_SHOWN  # the first window opens
    with pytest.raises(HarError) as lazy:
        load_capture(bad)
    with pytest.raises(HarError) as eager:
        read_har(bad)
    assert str(lazy.value) == str(eager.value)
    line = bad.read_text().split("\n")[lazy.value.line - 1]
    assert line[lazy.value.column - 1 :].startswith('"ok"')
    assert f"$.log.entries[{MAX_SHOWN + 40}].response.status" in lazy.value.message


def test_every_date_is_checked_up_front(tmp_path: Path) -> None:
    entries = [_entry(i) for i in range(COUNT)]
    entries[-1]["startedDateTime"] = "tomorrow"
    bad = write(tmp_path / "late-date.har", entries)
    with pytest.raises(HarError) as exc:
        open_har(bad)
    assert exc.value.line == COUNT + 2 and "startedDateTime 'tomorrow' is not an ISO 8601 date" in str(exc.value)
    entries[-1]["startedDateTime"] = 5
    with pytest.raises(HarError) as exc:
        open_har(write(bad, entries))
    assert f"(at $.log.entries[{COUNT - 1}].startedDateTime)" in str(exc.value)


def test_a_file_changed_while_open_is_said_so(tmp_path: Path, big: Path) -> None:
    har = open_har(big)
    try:
        assert har.log.entries[0].request.method == "POST"
        with open(big, "r+b") as fh:
            fh.truncate(1000)
        with pytest.raises(HarError) as exc:
            har.log.entries[COUNT - 1]
        assert str(exc.value) == f"{big}:1:1: error: the file changed since it was opened: open it again"
    finally:
        har.close()


def tutor(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        capture_output=True,
        text=True,
        env={"TUTOR_HOME": str(home), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=120,
    )


def test_the_commands_give_the_late_error_as_one_line(tmp_path: Path) -> None:
    entries = [_entry(i) for i in range(COUNT)]
    entries[2 * MAX_SHOWN + 10]["request"] = {"method": "GET"}
    bad = write(tmp_path / "bad.har", entries)
    for args in (("show", str(bad)), ("open", str(bad), "--step", str(2 * MAX_SHOWN + 5))):
        out = tutor(*args, home=tmp_path / "h")
        assert out.returncode == 1 and out.stdout == "", out.stderr
        assert out.stderr.count("\n") == 1 and out.stderr.startswith(f"{bad}:{2 * MAX_SHOWN + 10 + 3}:")
        assert "missing required field `url`" in out.stderr


def test_a_capture_with_sec_fetch_site_needs_no_public_suffix_list(tmp_path: Path) -> None:
    from tutor.capture import replay as module

    entries = [_entry(i) for i in range(20)]
    for e in entries:
        cdn = "cdn.example" in e["request"]["url"]
        e["request"]["headers"] += [
            {"name": "Sec-Fetch-Site", "value": "cross-site" if cdn else "same-origin"},
            {"name": "Sec-Fetch-Mode", "value": "no-cors" if cdn else "navigate"},
            {"name": "Sec-Fetch-Dest", "value": "image" if cdn else "document"},
        ]
    module.site_of.cache_clear()
    module._psl.cache_clear()
    r = load_capture(write(tmp_path / "f.har", entries))
    assert module._psl.cache_info().currsize == 0  # its parse is a tenth of a second of the first frame
    cdn = [ex for ex in r.exchanges if ex.host == "cdn.example"]
    assert cdn and all(ex.relation == "cross-site · subresource" for ex in cdn)
    # without Sec-Fetch-*, a host that is not the top page's: the list decides
    r = load_capture(write(tmp_path / "g.har", [_entry(i) for i in range(20)]))
    assert module._psl.cache_info().currsize == 1
    assert all(ex.cross_site for ex in r.exchanges if ex.host == "cdn.example")


@pytest.mark.parametrize("chunk", [64, 1000, 1 << 20])
@pytest.mark.parametrize("layout", ["lines", "compact", "spaced"])
def test_the_walk_finds_every_entry_whatever_the_chunk_and_spacing(tmp_path: Path, monkeypatch, chunk, layout) -> None:
    from tutor.capture import lazy

    monkeypatch.setattr(lazy, "CHUNK", chunk)
    entries = [_entry(i) for i in range(40)]
    entries[5]["response"]["content"]["text"] = "x" * 3000  # longer than a small chunk
    entries[6]["request"]["url"] += "?q=%22%5D%7D"
    entries[7]["response"]["headers"].append({"name": "X-Odd", "value": 'a"],}{\\'})
    path = tmp_path / "c.har"
    if layout == "lines":
        write(path, entries)
    elif layout == "compact":
        path.write_text(json.dumps({"log": {"entries": entries}}, separators=(",", ":")))
    else:
        path.write_text('{ "log" : { "entries" : [ \t' + " ,\n\t ".join(json.dumps(e) for e in entries) + " \r\n] } }")
    har = open_har(path)
    try:
        assert [har.log.entries[i] for i in range(len(entries))] == read_har(path).log.entries
        assert har.log.entries[35:50] == read_har(path).log.entries[35:]  # a slice (the User-Agent look)
        with pytest.raises(IndexError):
            har.log.entries[len(entries)]
    finally:
        har.close()
