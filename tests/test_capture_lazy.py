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


# -- `tutor open`'s first window before the whole-file check (open_first, LazyHar.confirm) ------------------


def _first_of(path: Path, count: int = MAX_SHOWN):
    from tutor.capture.lazy import open_first

    return open_first(path, count)


@pytest.mark.parametrize("chunk", [64, 1000, 1 << 20])
@pytest.mark.parametrize("layout", ["lines", "compact", "spaced"])
def test_the_first_window_is_read_alone_and_replays_as_a_full_replay(
    tmp_path: Path, monkeypatch, chunk, layout
) -> None:
    from capture_support import in_order

    from tutor.capture import lazy

    monkeypatch.setattr(lazy, "CHUNK", chunk)
    entries = [in_order(i) for i in range(60)]
    entries[5]["response"]["content"]["text"] = "x" * 3000  # longer than a small chunk
    entries[7]["response"]["headers"].append({"name": "X-Odd", "value": 'a"],}{\\'})
    path = tmp_path / "c.har"
    if layout == "lines":
        write(path, entries)
    elif layout == "compact":
        path.write_text(json.dumps({"log": {"creator": {"name": "x"}, "entries": entries}}, separators=(",", ":")))
    else:
        path.write_text(
            '{ "x": [1, {"]": 2}], "log" : { "version" : "1.2" ,\n "entries" : [ \t'
            + " ,\n\t ".join(json.dumps(e) for e in entries)
            + ' \r\n], "creator": {"name": "x"} } }'  # (the creator after the entries: see the next test)
        )
    har = _first_of(path, 20)
    try:
        assert not har.counted and len(har.log.entries) == 20 and har.order() == list(range(20))
        assert har.log.entries[:20] == read_har(path).log.entries[:20]
        with pytest.raises(IndexError):
            har.log.entries[20]
        part = replay(har, upto=20)
        assert har.confirm() == (60, "the capture names its browser after its entries" if layout == "spaced" else None)
    finally:
        har.close()
    full = replay(read_har(path), upto=20, kind=part.kind)
    assert not part.counted and part.total == 20 and full.counted and full.total == 60
    assert [dict(s.variables) for s in part.trace.steps] == [dict(s.variables) for s in full.trace.steps]
    assert part.findings == full.findings and [e.differences for e in part.exchanges] == [
        e.differences for e in full.exchanges
    ]


def test_what_the_first_window_cannot_say_alone_is_the_whole_checks(tmp_path: Path) -> None:
    """Out of time order within the window, a file no longer than it, a bad entry or date, a syntax error in
    it, the log's members not where expected: open_first is open_har, result and error alike."""
    from capture_support import in_order

    def same(entries: list[dict], count: int = 20, text: str | None = None) -> None:
        path = write(tmp_path / "f.har", entries)
        if text is not None:
            path.write_text(text)
        try:
            expected = open_har(path)
        except HarError as exc:
            with pytest.raises(HarError) as got:
                _first_of(path, count)
            assert str(got.value) == str(exc)
            return
        expected.close()
        har = _first_of(path, count)
        try:
            assert har.counted and len(har.log.entries) == len(entries)
        finally:
            har.close()

    same([_entry(i) for i in range(60)])  # pairs swapped: not in time order within the window
    same([in_order(i) for i in range(20)])  # no more entries than the window
    bad = [in_order(i) for i in range(60)]
    bad[3]["startedDateTime"] = "soon"
    same(bad)
    bad[3]["startedDateTime"] = 5
    same(bad)
    good = json.dumps({"log": {"entries": [in_order(i) for i in range(60)]}})
    same([], text=good.replace('"method"', '"method" "', 1))  # a syntax error in the first entry
    same([], text='{"log": {"pages": 3, "entries": ' + good[len('{"log": {"entries": ') :])  # a bad member
    same([], text='{"log": [], "x": ' + good + "}")
    same([], text=good.replace("}}, {", "}} {", 3))  # no `,` between two entries
    same([], text=good.replace("[{", "[, {", 1))
    # a bad request in the window: read as open_har reads it, then the same error when the replay meets it
    bad = [in_order(i) for i in range(60)]
    bad[4]["request"] = {"method": "GET"}
    path = write(tmp_path / "g.har", bad)
    with pytest.raises(HarError) as eager:
        load_capture(path)
    from tutor.capture.load import open_capture

    with pytest.raises(HarError) as first:
        open_capture(path, upto=20)
    assert str(first.value) == str(eager.value) and "missing required field `url`" in str(eager.value)


def test_the_check_after_the_first_window_finds_what_open_har_finds(tmp_path: Path) -> None:
    from capture_support import in_order

    def late(entries: list[dict], text: str | None = None) -> tuple[str, str]:
        path = write(tmp_path / "late.har", entries)
        if text is not None:
            path.write_text(text)
        har = _first_of(path, 20)
        try:
            assert not har.counted
            with pytest.raises(HarError) as got:
                har.confirm()
        finally:
            har.close()
        with pytest.raises(HarError) as eager:
            open_har(path)
        return str(got.value), str(eager.value)

    entries = [in_order(i) for i in range(60)]
    entries[50]["startedDateTime"] = "tomorrow"
    got, eager = late(entries)
    assert got == eager and "startedDateTime 'tomorrow' is not an ISO 8601 date" in got
    text = write(tmp_path / "t.har", [in_order(i) for i in range(60)]).read_text()
    lines = text.split("\n")
    lines[2 + 50] = lines[2 + 50].replace('"method"', '"method" "')  # entry 50: a syntax error
    got, eager = late([], text="\n".join(lines))
    assert got == eager and f"{tmp_path / 'late.har'}:53:" in got and "not JSON" in got
    got, eager = late([], text=text[:-30])
    assert got == eager and "truncated" in got
    # in time order up to the window's end, but an entry further on is earlier: replayed again
    entries = [in_order(i) for i in range(60)]
    entries[40]["startedDateTime"] = in_order(5)["startedDateTime"]
    har = _first_of(write(tmp_path / "r.har", entries), 20)
    try:
        assert har.confirm() == (60, "the capture's entries are not in time order")
    finally:
        har.close()
    # changed since the first window was read
    path = write(tmp_path / "c.har", [in_order(i) for i in range(60)])
    har = _first_of(path, 20)
    try:
        with open(path, "ab") as fh:
            fh.write(b" ")
        with pytest.raises(HarError) as exc:
            har.confirm()
        assert str(exc.value) == f"{path}:1:1: error: the file changed since it was opened: open it again"
    finally:
        har.close()


# -- later windows without replaying from the first request (tutor.capture.load.Capture, replay.Replayer) ---

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "har").glob("*/*.har"))


def _same_replay(got, full) -> None:
    """Two replays are the same: every field, every step's row and variables, every request's narration."""
    from tutor.capture.lesson import capture_lesson
    from tutor.capture.render import exchange_lines

    assert (got.kind, got.third_party, got.third_party_why, got.session_cookie, got.show_values, got.total) == (
        full.kind,
        full.third_party,
        full.third_party_why,
        full.session_cookie,
        full.show_values,
        full.total,
    )
    assert got.exchanges == full.exchanges and got.findings == full.findings
    rows = [
        (s.step, s.action, s.result, s.phase, s.cookie_present, s.session_id, dict(s.variables))
        for s in got.trace.steps
    ]
    assert rows == [
        (s.step, s.action, s.result, s.phase, s.cookie_present, s.session_id, dict(s.variables))
        for s in full.trace.steps
    ]
    assert [exchange_lines(got, ex) for ex in got.exchanges] == [exchange_lines(full, ex) for ex in full.exchanges]
    path = Path("x.har")
    for first in range(1, len(full.trace) + 1, MAX_SHOWN):
        a, b = capture_lesson(got, path, first=first).lesson, capture_lesson(full, path, first=first).lesson
        assert (a.title, a.narration, a.code, a.snapshot, a.transcript) == (
            b.title,
            b.narration,
            b.code,
            b.snapshot,
            b.transcript,
        )


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_windows_replayed_on_or_cut_are_full_replays_of_the_fixtures(path: Path) -> None:
    from tutor.capture.load import open_capture

    count = len(read_har(path).log.entries)
    for options in ({}, {"show_values": True, "third_party": "block"}):
        replayed, capture = open_capture(path, upto=2, first_window=False, **options)
        try:
            _same_replay(replayed, replay(read_har(path), upto=2, **options))
            for upto in (count, 1, 3, count, 0):  # on to the end, back, on, ...
                _same_replay(capture.window(upto), replay(read_har(path), upto=upto, **options))
        finally:
            capture.close()


def test_windows_of_a_long_capture_replayed_on_or_cut_are_full_replays(tmp_path: Path) -> None:
    from capture_support import in_order

    from tutor.capture.load import open_capture

    entries = [in_order(i) for i in range(3 * MAX_SHOWN + 40)]
    entries[2 * MAX_SHOWN + 5]["startedDateTime"] = entries[MAX_SHOWN + 7]["startedDateTime"]  # a tie, later on
    path = write(tmp_path / "long.har", entries)
    whole = read_har(path)
    first, capture = open_capture(path, upto=MAX_SHOWN)  # the first window before the whole-file check
    try:
        assert not first.counted and capture.confirm() == (len(entries), None)
        full = replay(whole, upto=MAX_SHOWN)
        _same_replay(capture.window(MAX_SHOWN), full)
        for window in (2, 3, 4, 2, 1, 3, 4):
            upto = window * MAX_SHOWN
            _same_replay(capture.window(upto), replay(whole, upto=upto))
        assert capture._replayer.done == len(entries)  # replayed once, never from the first request again
    finally:
        capture.close()
    # entries out of file order (pairs swapped): checked whole first, the same windows
    path = write(tmp_path / "swapped.har", [_entry(i) for i in range(2 * MAX_SHOWN + 30)])
    first, capture = open_capture(path, upto=MAX_SHOWN)
    try:
        assert first.counted
        for upto in (2 * MAX_SHOWN, MAX_SHOWN, 2 * MAX_SHOWN + 30):
            _same_replay(capture.window(upto), replay(read_har(path), upto=upto))
    finally:
        capture.close()


def test_a_bad_entry_stops_the_replay_on_and_the_windows_before_it_stay(tmp_path: Path) -> None:
    from capture_support import in_order

    from tutor.capture.load import open_capture

    entries = [in_order(i) for i in range(2 * MAX_SHOWN + 30)]
    entries[MAX_SHOWN + 40]["response"]["status"] = "ok"
    path = write(tmp_path / "bad.har", entries)
    good = write(tmp_path / "good.har", entries[: MAX_SHOWN + 40])
    _, capture = open_capture(path, upto=MAX_SHOWN, first_window=False)
    try:
        for _ in range(2):
            with pytest.raises(HarError) as exc:
                capture.window(2 * MAX_SHOWN)
            assert f"$.log.entries[{MAX_SHOWN + 40}].response.status" in str(exc.value)
        assert capture._replayer.done == MAX_SHOWN + 40  # the requests before it, replayed once
        expected = replay(read_har(good), upto=MAX_SHOWN)
        got = capture.window(MAX_SHOWN)
        _same_replay(
            got,
            type(expected)(**{**{f: getattr(expected, f) for f in expected.__dataclass_fields__}, "total": got.total}),
        )
    finally:
        capture.close()
