"""`tutor show capture.har`: formats, exit codes, positioned errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

HAND = Path(__file__).parent / "fixtures" / "har" / "hand"


def tutor(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        capture_output=True,
        text=True,
        env={"TUTOR_HOME": str(home), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=120,
    )


def test_show_text_json_markdown(tmp_path: Path) -> None:
    har = str(HAND / "php-firefox.har")
    text = tutor("show", har, home=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "PHPSESSID NOT rotated at login" in text.stdout and "aaa111" not in text.stdout
    data = json.loads(tutor("show", har, "--format", "json", home=tmp_path).stdout)
    assert data["session_cookie"] == "PHPSESSID" and data["browser"] == "firefox"
    assert len(data["findings"]) == 6
    md = tutor("show", har, "--format", "markdown", home=tmp_path).stdout
    assert md.startswith("# Capture walkthrough") and "## Findings" in md
    shown = tutor("show", har, "--show-values", "--browser", "chromium", home=tmp_path).stdout
    assert "PHPSESSID=aaa111" in shown and "replayed as chromium" in shown
    assert "third-party cookies: allow (the chromium default); --third-party sets it" in shown
    data = json.loads(tutor("show", har, "--format", "json", "--third-party", "block", home=tmp_path).stdout)
    assert data["third_party"] == {"policy": "block", "from": "--third-party"}
    assert not list(tmp_path.iterdir())  # nothing from a capture is stored (no cache, no progress)


def test_scenario_runs_in_the_engine(tmp_path: Path) -> None:
    out = tutor("show", str(HAND / "nextauth-chromium.har"), "--format", "scenario", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert yaml.safe_load(out.stdout)["scenario"]["browsers"] == {"capture": {"kind": "chromium"}}
    path = tmp_path / "s.yaml"
    path.write_text(out.stdout)
    sim = tutor("simulate", str(path), home=tmp_path / "h")
    assert sim.returncode == 0, sim.stderr


def test_bad_capture_is_one_positioned_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"entries": [{"startedDateTime": 5}]}}')
    out = tutor("show", str(bad), home=tmp_path / "h")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith(f"{bad}:1:")
    assert "error: not a HAR: Expected `str`, got `int`" in out.stderr


def test_missing_capture_and_lesson_only_options(tmp_path: Path) -> None:
    out = tutor("show", str(tmp_path / "none.har"), home=tmp_path)
    assert out.returncode == 1 and out.stderr.startswith("tutor show: error: ")
    out = tutor("show", "session-lifecycle", "--format", "scenario", home=tmp_path)
    assert out.returncode == 1 and "are for a HAR capture" in out.stderr
    assert tutor("show", "x.har", "--browser", "netscape", home=tmp_path).returncode == 2
    assert tutor("show", "x.har", "--third-party", "maybe", home=tmp_path).returncode == 2
    out = tutor("show", "session-lifecycle", "--third-party", "block", home=tmp_path)
    assert out.returncode == 1 and "--third-party" in out.stderr and "are for a HAR capture" in out.stderr
