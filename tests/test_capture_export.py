"""A capture exported as a lesson (`tutor show capture.har --format scenario`, `e` in the walkthrough; issue
20): every committed fixture's export passes `tutor check` with 0 problems, runs in `tutor simulate`, has one
narration entry per request at that request's row, keeps every value redacted, and its scenario leaves the
jar as the capture left it: every row names the capture's own method and path, and the jar after each
request holds the walkthrough's cookies (a script's too)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from tutor.capture.export import BUDGET, MAX_EXPORTED, lesson_document, lesson_id, lesson_yaml
from tutor.capture.load import load_capture
from tutor.capture.replay import fingerprint
from tutor.capture.scenario import ENGINE_COOKIE, NO_RESPONSE, engine_options
from tutor.cli import main
from tutor.lesson.loader import lesson_from_text

HAR = Path(__file__).parent / "fixtures" / "har"
FIXTURES = sorted(HAR.glob("*/*.har"))


def _values(path: Path) -> set[str]:
    """Every cookie value and credential the capture holds (longer than 3 characters)."""
    har = json.loads(path.read_text(encoding="utf-8"))
    values: set[str] = set()
    for entry in har["log"]["entries"]:
        for message in (entry["request"], entry["response"]):
            values.update(c.get("value", "") for c in message.get("cookies", []))
            for h in message["headers"]:
                name = h["name"].lower()
                if name == "cookie":
                    values.update(p.partition("=")[2].strip() for p in h["value"].split(";"))
                elif name == "set-cookie":
                    values.update(line.split(";")[0].partition("=")[2].strip() for line in h["value"].split("\n"))
    return {v for v in values if len(v) > 3}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_the_exported_capture_passes_tutor_check_and_runs(path: Path, tmp_path: Path, home: Path, capsys) -> None:
    assert main(["show", str(path), "--format", "scenario"]) == 0
    text = capsys.readouterr().out
    lesson = tmp_path / f"{lesson_id(path.stem)}.yaml"
    lesson.write_text(text, encoding="utf-8")
    assert main(["check", str(lesson)]) == 0
    assert capsys.readouterr().out == "1 lesson checked, 0 problems\n"
    assert main(["simulate", str(lesson)]) == 0
    capsys.readouterr()
    # values stay redacted: none of the capture's cookie values, nor the redacted fixtures' placeholders
    assert [v for v in _values(path) if v in text] == []
    assert "redacted-" not in text


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_one_narration_entry_per_request_at_its_row_and_the_jar_as_the_capture_left_it(path: Path) -> None:
    replay = load_capture(path)
    loaded = lesson_from_text(lesson_yaml(replay, path.name, lesson=lesson_id(path.stem)), f"{path.stem}.yaml")
    exported = list(replay.exchanges)
    assert len(loaded.lesson.narration) == len(exported)
    rows = loaded.steps
    for entry, ex in zip(loaded.lesson.narration, exported, strict=True):
        assert entry.text.startswith(f"Capture step {ex.number}: {ex.method} {ex.path} ({ex.host})")
        row = rows[entry.step - 1]  # the request's first row: the engine receives it
        assert row.phase == "receive"
    assert len(rows) == len([s for s in loaded.trace if s.phase in ("receive", "store_cookie", "script_cookie")])
    # the scenario's jar ends as the replay's (by cookie name; a nameless cookie aside)
    last = loaded.trace.steps[-1].variables.get("jar.capture") or []
    mine = {line.split("=")[0] for line in last if "=" in line.split(";")[0]}
    theirs = {line.split("=")[0] for line in replay.trace.steps[-1].variables.get(f"jar.{replay.kind}") or []}
    theirs = {n for n in theirs if not n.startswith("#")}
    assert mine == theirs


def _names(lines: list[str] | None) -> set[str]:
    """The cookie names of a jar's lines (``name=value; ...``; a nameless cookie has none)."""
    return {line.split("=")[0] for line in lines or [] if "=" in line.split(";")[0]}


def _rows_and_jars(replay, text: str) -> list[tuple[str, str, str, set[str]]]:
    """For each capture request, in the exported lesson run: (its first row's action, that row's result,
    the status sent, the jar's cookie names once its event is over)."""
    loaded = lesson_from_text(text, "run.yaml")
    events = yaml.safe_load(text)["scenario"]["events"]
    at = {int(e["mark"].removeprefix("req-")): i for i, e in enumerate(events, 1) if "mark" in e}
    out = []
    for ex in replay.exchanges:
        steps = [s for s in loaded.trace if s.event == at[ex.number]]
        sent = next(s for s in steps if s.phase == "send_response")
        out.append(
            (steps[0].action, steps[0].result, sent.variables["status"], _names(steps[-1].variables["jar.capture"]))
        )
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_each_row_is_the_captures_request_with_its_status_and_the_jar_follows_the_walkthrough(path: Path) -> None:
    """Simulated, the exported lesson's rows read the capture's method and path (not the engine's `GET /`),
    its status, and after every request the jar holds the walkthrough's cookies (from Set-Cookie or a
    script): the lesson and the walkthrough agree at every step."""
    replay = load_capture(path)
    rows = _rows_and_jars(replay, lesson_yaml(replay, path.name, lesson="run"))
    for ex, (action, result, status, jar) in zip(replay.exchanges, rows, strict=True):
        assert action == f"Receive {ex.method} {ex.path}"
        assert status == ex.status and result.startswith(f"{ex.status} ") and ", by hand: " in result
        walkthrough = replay.trace.steps[ex.number - 1].variables.get(f"jar.{replay.kind}")
        assert jar == {n for n in _names(walkthrough) if not n.startswith("#")}, ex.number


def test_every_method_is_exported_and_a_scripts_cookie_is_carried(tmp_path: Path) -> None:
    """PUT, DELETE, OPTIONS and HEAD are events like GET (each with its status and narration), and a cookie
    sent that no Set-Cookie set (the walkthrough's "set by a script") is a `document_cookie:` event before
    its request, so the jar has it from that step on."""

    def entry(second: int, method: str, path: str, status: int, cookie: str = "", set_cookie: str = "") -> dict:
        headers = [{"name": "Host", "value": "shop.test"}] + ([{"name": "Cookie", "value": cookie}] if cookie else [])
        return {
            "startedDateTime": f"2026-12-07T10:00:{second:02d}Z",
            "request": {"method": method, "url": f"https://shop.test{path}", "headers": headers},
            "response": {
                "status": status,
                "headers": [{"name": "Set-Cookie", "value": set_cookie}] if set_cookie else [],
            },
        }

    entries = [
        entry(0, "GET", "/", 200, set_cookie="sid=s1; Path=/; HttpOnly; Secure"),
        entry(1, "OPTIONS", "/api/items", 204, cookie="sid=s1"),
        entry(2, "PUT", "/api/items/3", 201, cookie="sid=s1; theme=dark"),
        entry(3, "PATCH", "/api/items/3", 200, cookie="sid=s1; theme=dark"),
        entry(4, "DELETE", "/api/items/3", 204, cookie="sid=s1; theme=dark", set_cookie="sid=; Max-Age=0; Path=/"),
        entry(5, "HEAD", "/", 200, cookie="theme=dark"),
        entry(6, "GET", "/never", 0, cookie="theme=dark"),  # no response recorded (HAR status 0)
    ]
    path = tmp_path / "api.har"
    path.write_text(json.dumps({"log": {"creator": {"name": "Firefox"}, "entries": entries}}), encoding="utf-8")
    replay = load_capture(path)
    assert [ex.scripted for ex in replay.exchanges][2] == [("theme", "dark")]
    text = lesson_yaml(replay, path.name, lesson="api")
    events = yaml.safe_load(text)["scenario"]["events"]
    (script,) = [e for e in events if "document_cookie" in e]
    assert script["document_cookie"] == "theme=" + fingerprint("dark")[1:] and events.index(script) < [
        e.get("mark") for e in events
    ].index("req-3")
    assert [e.get("request") or e.get("answers") for e in events if "mark" in e] == [
        "GET /",
        "OPTIONS /api/items",
        "PUT /api/items/3",
        "PATCH /api/items/3",
        "DELETE /api/items/3",
        "HEAD /",
        "GET /never",
    ]
    assert events[-1]["status"] == NO_RESPONSE and events[-1]["note"].endswith("(no response recorded: written as 504)")
    replay = replace(replay, exchanges=replay.exchanges[:-1])  # (the rows' statuses below are the capture's)
    rows = _rows_and_jars(replay, text)
    assert [(a, s) for a, _, s, _ in rows] == [
        ("Receive GET /", 200),
        ("Receive OPTIONS /api/items", 204),
        ("Receive PUT /api/items/3", 201),
        ("Receive PATCH /api/items/3", 200),
        ("Receive DELETE /api/items/3", 204),
        ("Receive HEAD /", 200),
    ]
    assert [jar for *_, jar in rows] == [{"sid"}, {"sid"}, {"sid", "theme"}, {"sid", "theme"}, {"theme"}, {"theme"}]
    loaded = lesson_from_text(text, "api.yaml")
    assert len(loaded.lesson.narration) == 7
    assert "# Each request, whatever its method, is one event" in text and "left out" not in text.split("id:")[0]


def test_the_engine_server_never_touches_the_captures_cookies() -> None:
    replay = load_capture(HAR / "recorded" / "chromium-h2.har")
    assert engine_options(replay) == {
        "anonymous_sessions": False,
        "cookie": {"name": ENGINE_COOKIE},
        "host": "site-a.test",
    }
    loaded = lesson_from_text(lesson_yaml(replay, "chromium-h2.har"), "capture.yaml")
    assert not [s for s in loaded.trace if s.phase in ("create_session", "rotate_session", "destroy_session")]
    assert [s.variables.get("jar.capture") for s in loaded.trace][-1] is not None


def test_an_exported_lesson_holds_at_most_max_exported_requests(tmp_path: Path) -> None:
    entries = [
        {
            "startedDateTime": f"2026-12-07T10:{i // 60:02d}:{i % 60:02d}Z",
            "request": {"method": "GET", "url": f"https://shop.test/p/{i}", "headers": []},
            "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": f"n{i % 7}=v{i}; Path=/"}]},
        }
        for i in range(MAX_EXPORTED + 5)
    ]
    path = tmp_path / "many.har"
    path.write_text(json.dumps({"log": {"creator": {"name": "Firefox"}, "entries": entries}}), encoding="utf-8")
    replay = load_capture(path)
    text = lesson_yaml(replay, path.name, lesson="many")
    assert f"# Only the first {MAX_EXPORTED} requests are here (5 more in the capture)." in text
    loaded = lesson_from_text(text, "many.yaml")
    assert len(loaded.lesson.narration) == MAX_EXPORTED
    assert "v3" not in text  # redacted


def test_capture_text_reaches_the_file_only_made_visible(tmp_path: Path) -> None:
    entries = [
        {
            "startedDateTime": "2026-12-07T10:00:00Z",
            "request": {"method": "GET", "url": "https://shop.test/a%1Bb\u202e", "headers": []},
            "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": "sid=x\u202ey; Path=/"}]},
        }
    ]
    path = tmp_path / "odd\x1b.har"
    path.write_text(json.dumps({"log": {"entries": entries}}), encoding="utf-8")
    document = lesson_document(load_capture(path), path.name, lesson="odd")
    text = yaml.safe_dump(document, allow_unicode=True)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", text)
    assert lesson_from_text(lesson_yaml(load_capture(path), path.name, lesson="odd"), "odd.yaml").lesson.id == "odd"


def test_lesson_ids_from_file_names() -> None:
    assert lesson_id("Chromium H2 (2)") == "chromium-h2-2"
    assert lesson_id("capture-3") == "capture-3"
    assert lesson_id("___") == "capture"
    assert len(lesson_id("x" * 100)) == 64


def test_an_exported_lesson_stays_under_the_lesson_file_limit(tmp_path: Path, home: Path, capsys) -> None:
    har = json.loads((HAR / "recorded" / "chromium-cookie-matrix.har").read_text(encoding="utf-8"))
    heavy = har["log"]["entries"][0]  # 37 Set-Cookie in one response (one of 4103 bytes): ~10 KB of lesson each
    har["log"]["entries"] = [
        {**heavy, "startedDateTime": f"2026-12-07T10:{i // 60:02d}:{i % 60:02d}.000Z"} for i in range(150)
    ]
    path = tmp_path / "heavy.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    text = lesson_yaml(load_capture(path), path.name, lesson="heavy")
    size = len(text.encode("utf-8"))
    assert BUDGET * 0.9 < size <= BUDGET  # fewer requests, as many as fit
    (line,) = [h for h in text.splitlines() if h.startswith("# Only the first ")]
    kept = int(line.split()[4])
    assert 50 < kept < 150 and line.endswith(f"({150 - kept} more in the capture).")
    (tmp_path / "heavy.yaml").write_text(text, encoding="utf-8")
    assert main(["check", str(tmp_path / "heavy.yaml")]) == 0
    assert capsys.readouterr().out == "1 lesson checked, 0 problems\n"


def test_show_values_puts_the_values_in_the_export_and_says_so(home: Path, capsys) -> None:
    path = HAR / "hand" / "php-firefox.har"
    assert main(["show", str(path), "--format", "scenario", "--show-values"]) == 0
    text = capsys.readouterr().out
    assert "PHPSESSID=aaa111" in text and "Values are AS SENT (--show-values): do not share this file." in text
    assert main(["show", str(path), "--format", "scenario"]) == 0
    assert "Values are redacted (short hashes)." in capsys.readouterr().out


def _carried(path: Path, third_party: str | None = None) -> dict[int, list[str]]:
    """The exported lesson of ``path`` run: the cookie names each capture step's request carried in it."""
    replay = load_capture(path, third_party=third_party)
    text = lesson_yaml(replay, path.name, lesson="run")
    events = yaml.safe_load(text)["scenario"]["events"]
    at = {i: int(e["mark"].removeprefix("req-")) for i, e in enumerate(events, 1) if "mark" in e}
    loaded = lesson_from_text(text, "run.yaml")
    return {at[s.event]: sorted(s.variables["cookieStore"]) for s in loaded.trace if s.phase == "receive"}


def test_a_headless_capture_exports_its_third_party_block_and_runs_as_captured() -> None:
    """The cookie-matrix capture is headless Chromium (third-party cookies blocked, not Chromium's default
    allow): the export says ``third_party: block``, so its cross-site subresources carry nothing, as in the
    capture; a capture made with the kind's default writes no ``third_party:``."""
    path = HAR / "recorded" / "chromium-cookie-matrix.har"
    replay = load_capture(path)
    document = lesson_document(replay, path.name)
    assert document["scenario"]["browsers"] == {"capture": {"kind": "chromium", "third_party": "block"}}
    text = lesson_yaml(replay, path.name)
    assert (
        "# Third-party cookies: block (HeadlessChrome in the User-Agent: measured, Playwright's Chromium 156 blocks "
        "them), as in the capture.\n" in text
    )
    cross = [ex.number for ex in replay.exchanges if ex.relation == "cross-site · subresource"]
    same = [ex.number for ex in replay.exchanges if ex.relation == "same-site · subresource"]
    assert cross == [5, 7, 9] and same == [11, 13, 15]
    carried = _carried(path)
    assert [carried[n] for n in cross] == [[], [], []]  # the capture sent none
    assert all("lax" in carried[n] and "none" in carried[n] for n in same)
    for n in cross:  # and the capture's requests carried nothing either
        assert replay.exchanges[n - 1].sent == []
    # replayed as a normal window instead (Chromium's default: no third_party: written), they carry `none`
    # (SameSite=None; Secure): what the export wrote before it kept the policy
    assert (
        "third_party"
        not in lesson_document(load_capture(path, third_party="allow"), path.name)["scenario"]["browsers"]["capture"]
    )
    assert "none" in _carried(path, third_party="allow")[5]
    # the kind's default is not written: Firefox partitions by default
    firefox = load_capture(HAR / "recorded" / "firefox-nextauth.har")
    assert lesson_document(firefox, "f.har")["scenario"]["browsers"] == {"capture": {"kind": "firefox"}}
    assert "# Third-party cookies" not in lesson_yaml(firefox, "f.har")


def test_a_request_the_capture_holds_no_cookies_for_says_so_in_its_note() -> None:
    """The next-auth capture's steps 10 and 24-27 came from Chromium's cache (no request went out), the cookie
    matrix's step 7 never finished: the exported lesson's browser sends them as any request, so each note says
    what the capture had."""
    from tutor.capture.scenario import scenario_events

    def notes(name: str) -> dict[str, str]:
        events = scenario_events(load_capture(HAR / "recorded" / name))
        return {e["mark"]: e["note"] for e in events if "mark" in e}

    nextauth, matrix = notes("chromium-nextauth.har"), notes("chromium-cookie-matrix.har")
    cached = [m for m, n in nextauth.items() if "served from the browser's cache in the capture" in n]
    assert cached == ["req-10", "req-24", "req-25", "req-26", "req-27"]
    assert [m for m, n in matrix.items() if "never finished in the capture" in n] == ["req-7"]
