"""`tutor simulate FILE`: text and json output, and one clear line for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.cli import main

SEED = """\
engine:
  idle_timeout: 30m
events:
  - request: GET /
  - request: GET /
  - advance: 31m
  - request: GET /
"""


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_text_table_is_plain_when_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, SEED)
    assert main(["simulate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # no colour codes
    header = out.splitlines()[0]
    for column in ("Step", "Event", "Actor", "Action", "Cookie?", "Session ID", "User", "Result"):
        assert column in header
    assert "Session cookie missing" in out and "Create new session ID" in out
    assert "Expired at +30m: rejected" in out and "Scenario over" in out
    assert len([line for line in out.splitlines() if "|" in line]) == 1 + 22  # header + every step


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, SEED)
    assert main(["simulate", str(path), "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert len(steps) == 22
    for key in ("step", "event", "actor", "action", "cookie_present", "session_id", "user", "result", "variables"):
        assert key in steps[0]
    assert steps[2]["phase"] == "create_session" and len(steps[2]["session_id"]) == 32
    assert steps[-1]["phase"] == "end"
    # deterministic
    assert main(["simulate", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == steps


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path / "nope.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "nope.yaml" in captured.err and "Traceback" not in captured.err


def test_semantic_problems_have_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "events:\n  - request: GET /\n  - request: GET /nowhere\n  - login: carol\n")
    assert main(["simulate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:3:") and "unknown route /nowhere" in lines[0]
    assert lines[1].startswith(f"{path}:4:") and "unknown user 'carol'" in lines[1]


def test_yaml_and_type_errors_never_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for text in ("events: [\n", "engine:\n  strategy: magic\n", "events:\n  - advance: soon\n"):
        path = write(tmp_path, text)
        assert main(["simulate", str(path)]) == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err and f"{path}:" in err and ": error: " in err


def test_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path)]) == 1
    assert capsys.readouterr().err.count("\n") == 1


class _Terminal:
    """A stream that says it is a terminal."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_no_color_on_a_terminal_is_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    from tutor.commands.simulate import _print_text
    from tutor.engine import EngineOptions, Event, Scenario, run_scenario

    trace = run_scenario(Scenario(engine=EngineOptions(), events=[Event(request="GET /")]))
    monkeypatch.setenv("NO_COLOR", "1")
    stream = _Terminal()
    _print_text(trace, stream)
    out = "".join(stream.parts)
    assert "\x1b[" not in out and "Create anonymous session" in out
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("COLUMNS", "160")
    stream = _Terminal()
    _print_text(trace, stream)
    assert "Create anonymous session" in "".join(stream.parts)


FIXTURES = Path(__file__).parent / "fixtures"


def test_browser_kinds_close_browser_and_remember_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    """tests/fixtures/browsers_scenario.yaml through `tutor simulate`: close_browser with and without
    "remember me", and a SameSite-unset cross-site POST from chromium (blocked) and firefox (sent)."""
    path = FIXTURES / "browsers_scenario.yaml"
    assert main(["simulate", str(path), "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)

    def of(event: int, phase: str) -> dict:
        (found,) = [s for s in steps if s["event"] == event and s["phase"] == phase]
        return found

    assert "Max-Age" not in of(1, "set_cookie")["variables"]["set_cookie"]
    assert "Max-Age=2592000" in of(2, "set_cookie")["variables"]["set_cookie"]
    assert of(3, "close_browser")["result"] == "1 session cookie dropped, 0 persistent cookies kept"
    assert of(4, "close_browser")["result"] == "0 session cookies dropped, 1 persistent cookie kept"
    assert of(5, "send_response")["variables"]["status"] == 307
    assert of(6, "send_response")["variables"]["status"] == 200
    assert of(9, "send_response")["variables"]["status"] == 401
    assert of(9, "receive")["variables"]["same_site"].startswith(
        "SameSite unset → Lax (chromium default), cookie 5m old"
    )
    assert of(10, "send_response")["variables"]["status"] == 200
    assert of(10, "receive")["variables"]["same_site"] == "SameSite unset → None (firefox default): sent cross-site"
    assert main(["simulate", str(path)]) == 0
    assert "Close laptop" in capsys.readouterr().out


def test_injected_cookie_attribute_is_a_positioned_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path, 'engine:\n  cookie:\n    path: "/; Domain=evil.example; Max-Age=-1"\nevents:\n  - request: GET /\n'
    )
    assert main(["simulate", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{path}:3:11: error: cookie.path must not contain a ';'")
    assert "Traceback" not in captured.err and "evil" not in captured.out


def test_unused_declared_browser_and_unknown_kind_are_positioned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "browsers:\n  phnoe: {kind: safari}\nevents:\n  - request: GET /\n    as: phone\n")
    assert main(["simulate", str(path)]) == 1
    assert capsys.readouterr().err.startswith(f"{path}:2:")
    path = write(tmp_path, "browsers:\n  phone: {kind: netscape}\nevents:\n  - request: GET /\n    as: phone\n")
    assert main(["simulate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:2:") and "chromium" in err


def test_hostile_scenario_text_stays_in_its_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Control characters, escape sequences, Rich markup and line breaks from a scenario are shown, not
    obeyed, and never split a table row."""
    text = (
        'engine:\n  users: {"[/bold]\\u001b]52;c;eA==\\u0007": pw}\n'
        'events:\n  - login: "[/bold]\\u001b]52;c;eA==\\u0007"\n  - tamper: {value: "ab\\ncd\\u001b[2J"}\n'
    )
    path = write(tmp_path, text)
    assert main(["simulate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "[/bold]␛]52;c;eA==␇" in out
    rows = [line for line in out.splitlines()[2:] if not line.startswith("     |")]
    assert all(line.count(" | ") == 7 for line in rows)  # every row keeps its eight cells
