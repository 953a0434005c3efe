"""A capture exported as a lesson (`tutor show capture.har --format scenario`, `e` in the walkthrough; issue
20): every committed fixture's export passes `tutor check` with 0 problems, runs in `tutor simulate`, has one
narration entry per request at that request's row, keeps every value redacted, and its scenario leaves the
jar as the capture left it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tutor.capture.export import BUDGET, MAX_EXPORTED, lesson_document, lesson_id, lesson_yaml
from tutor.capture.load import load_capture
from tutor.capture.scenario import ENGINE_COOKIE, engine_options
from tutor.cli import main
from tutor.lesson.loader import lesson_from_text

HAR = Path(__file__).parent / "fixtures" / "har"
FIXTURES = sorted(HAR.glob("*/*.har"))
#: cookies the capture's browser sent with no Set-Cookie for them (set by a script): the scenario format has
#: no event for a script's cookie, so the exported jar lacks them
SCRIPT_SET = {"php-firefox.har": {"tracker"}}


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
    exported = [ex for ex in replay.exchanges if ex.method in ("GET", "POST")]
    assert len(loaded.lesson.narration) == len(exported)
    rows = loaded.steps
    for entry, ex in zip(loaded.lesson.narration, exported, strict=True):
        assert entry.text.startswith(f"Capture step {ex.number}: {ex.method} {ex.path} ({ex.host})")
        row = rows[entry.step - 1]  # the request's first row: the engine receives it
        assert row.phase == "receive"
    assert len(rows) == len([s for s in loaded.trace if s.phase in ("receive", "store_cookie")])
    # the scenario's jar ends as the replay's (by cookie name; a nameless cookie and a script's aside)
    last = loaded.trace.steps[-1].variables.get("jar.capture") or []
    mine = {line.split("=")[0] for line in last if "=" in line.split(";")[0]}
    theirs = {line.split("=")[0] for line in replay.trace.steps[-1].variables.get(f"jar.{replay.kind}") or []}
    theirs = {n for n in theirs if not n.startswith("#")} - SCRIPT_SET.get(path.name, set())
    assert mine == theirs


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
