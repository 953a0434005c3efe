"""One hostile corpus through every output path: no escape sequence, control character, invisible
reordering character or live markup from a lesson, a scenario, a file name or the progress database
reaches any output.

The corpus (``CORPUS``) has Rich/Textual markup (a closing tag with no opening one, a ``file://`` link),
ANSI CSI (colour, clear screen), OSC 52 (clipboard write) and OSC 8 (hyperlink), C0 and C1 controls, DEL,
bidi overrides and marks (U+202E, U+2066, U+061C), the soft hyphen and a zero-width space, and HTML
(``<img onerror>``, ``<script>``). It is put into every text field of a lesson (title, summary, flow,
code, column headings, tracker labels, narration, moments, snapshot, transcript, questions), into a
scenario (user names, a tampered cookie value), into the ids of lessons and progress records, into an
invalid lesson's values (which `tutor check` echoes) and into file and lesson names on the command line.

Paths covered: `tutor list` (text, json), `show` (text, markdown, json), `check`, `simulate` (text, json,
errors), `progress` (text, json, xapi), `open`/`show`/`check`/`new` errors, `--lessons` errors — each in
a subprocess, as a person runs them — and in the app under Pilot: the picker, the command palette's
lesson commands, every lesson mode, the full-value dialog and the problems notification.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile_corpus import BIDI, C1, CSI, FORBIDDEN, HOSTILE, HTML, INVISIBLE, MARKUP, OSC8, OSC52
from terminal_support import run_on_a_pty

ROOT = Path(__file__).resolve().parent.parent
BASE_LESSON = ROOT / "lessons" / "session-lifecycle.yaml"


def hostile(tag: str) -> str:
    return f"<{tag}> {HOSTILE}"


def assert_inert(text: str, where: str) -> None:
    bad = FORBIDDEN.search(text)
    assert bad is None, (
        f"{where}: {bad.group()!r} reached the output: ...{text[max(0, bad.start() - 60) : bad.start() + 20]!r}..."
    )


# --- the files --------------------------------------------------------------------------------------
def hostile_lesson_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(BASE_LESSON.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data["id"] = "hostile-output"
    data["title"] = hostile("title")
    data["summary"] = hostile("summary")
    data["tags"] = [hostile("tag")]
    data["flow"]["nodes"][0]["label"] = hostile("flow")
    data["flow"]["caption"] = hostile("caption")
    data["code"][0]["title"] = hostile("codetitle")
    data["code"][0]["caption"] = hostile("codecaption")
    data["code"][0]["language"] = "typescript" + HTML
    for column in data["table"]["columns"]:
        column["heading"] = hostile("heading")
    for tracked in data.get("tracker", []):
        tracked["label"] = hostile("tracker")
    data["narration"] = [{"step": 1, "text": hostile("narration")}]
    data["moments"] = [{"question": hostile("moment-q"), "answer": hostile("moment-a"), "steps": [1]}]
    data["snapshot"] = hostile("snapshot")
    data["transcript"] = hostile("transcript")
    data["questions"] = [
        {
            "id": f"q{n}",
            "difficulty": "easy",
            "prompt": hostile("prompt"),
            "code": {"language": "text", "source": hostile("qcode")},
            "choices": [
                {"text": hostile("choice-right"), "correct": True, "feedback": hostile("feedback")},
                {"text": hostile("choice-wrong")},
            ],
            "hints": [hostile("hint")],
            "solution": [hostile("solution")],
            "mistakes": [hostile("mistake")],
        }
        for n in range(1, 11)
    ]
    return data


def dump(data: dict[str, Any], path: Path) -> Path:
    # safe_dump writes control characters as YAML escapes ("\e[31m"): valid text in the file
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096), encoding="utf-8")
    return path


SCENARIO = {
    "engine": {"users": {"[/bold]" + OSC52: "pw", "[link=file:///etc/passwd]x[/link]" + BIDI: "pw2"}},
    "events": [
        {"login": "[/bold]" + OSC52},
        {"login": "[link=file:///etc/passwd]x[/link]" + BIDI, "password": "pw2"},
        {"tamper": {"cookie": "sessionId", "value": CSI + OSC8 + C1 + INVISIBLE}},
        {"request": "GET /dashboard"},
    ],
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A lessons folder (a hostile valid lesson, two lessons with invalid ids), an invalid lesson, a
    scenario, a broken scenario, and a progress database with hostile ids."""
    base = tmp_path_factory.mktemp("hostile")
    lessons = base / "lessons"
    lessons.mkdir()
    good = dump(hostile_lesson_data(), lessons / "hostile-output.yaml")
    for name, bad_id in (("dotdot", "../../etc/passwd" + OSC52), ("cyrillic", "\u0455ession-lifecycle\u202e")):
        data = hostile_lesson_data()
        data["id"] = bad_id
        dump(data, lessons / f"{name}.yaml")
    invalid = hostile_lesson_data()
    invalid["level"] = hostile("level")
    invalid["tit\x1b[2Jle" + OSC52] = "unknown field"
    invalid["questions"][0]["difficulty"] = MARKUP + OSC8
    invalid_path = dump(invalid, base / "invalid.yaml")
    scenario = base / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(SCENARIO, allow_unicode=True, width=4096), encoding="utf-8")
    broken = base / "broken.yaml"
    broken.write_text(
        yaml.safe_dump(
            {"engine": {"strategy": hostile("strategy")}, "events": [{"login": OSC52}]}, allow_unicode=True, width=4096
        ),
        encoding="utf-8",
    )
    home = base / "home"
    from tutor.progress import ProgressStore

    with ProgressStore.open(home / "progress.sqlite3") as store:
        store.record_step("hostile-output", 3)
        store.record_answer("hostile-output", "q1" + OSC52, "practice", [0], True, 1)
        store.record_test("hostile-output", 7, 10, 70.0)
        store.record_step(OSC8 + MARKUP, 1)  # a tampered database: ids are data too
    return {
        "base": base,
        "lessons": lessons,
        "good": good,
        "invalid": invalid_path,
        "scenario": scenario,
        "broken": broken,
        "home": home,
    }


def tutor(world: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LESSONS", "NO_COLOR", "COLUMNS")}
    env.update(TUTOR_HOME=str(world["home"]), TERM="xterm-256color")
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        capture_output=True,
        text=True,
        cwd=world["base"],
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        encoding="utf-8",
        errors="surrogateescape",
    )


# --- the command line ---------------------------------------------------------------------------------
# (argv with {lessons}/{good}/... placeholders, expected exit code, text that must be in the output)
CLI_CASES: dict[str, tuple[list[str], int, list[str]]] = {
    "list": (["list", "--lessons", "{lessons}"], 0, ["<title> [bold]B[/bold]", "invalid: line", "../../etc/passwd"]),
    "list-json": (["list", "--lessons", "{lessons}", "--format", "json"], 0, []),
    "show-text": (["show", "{good}"], 0, ["<title> [bold]B[/bold] [/bold] [link=file:///etc/passwd]", "␛]52;c;"]),
    "show-markdown": (
        ["show", "{good}", "--format", "markdown"],
        0,
        ["&lt;img src=x onerror=alert(1)&gt;", "&lt;U+061C&gt;", "&lt;U+00AD&gt;", "\\[link=file:///etc/passwd\\]"],
    ),
    "show-json": (["show", "{good}", "--format", "json"], 0, []),
    "check": (["check", "{invalid}", "{good}"], 1, ["found `<level>", "unknown field `tit␛[2Jle␛]52;c;"]),
    "simulate-text": (["simulate", "{scenario}"], 0, ["[/bold]␛]52;c;", "[link=file:///etc/passwd]x[/link]"]),
    "simulate-json": (["simulate", "{scenario}", "--format", "json"], 0, []),
    "simulate-error": (["simulate", "{broken}"], 1, ["broken.yaml:"]),
    "progress-text": (
        ["progress", "--lessons", "{lessons}"],
        0,
        ["<title> [bold]B[/bold]", "␛]8;;https://evil.example"],
    ),
    "progress-json": (["progress", "--format", "json"], 0, []),
    "progress-xapi": (["progress", "--format", "xapi", "--actor", "mailto:alice@example.org"], 0, []),
    "open-unknown": (["open", "nope" + OSC52 + MARKUP], 1, ["nope␛]52;c;"]),
    "show-unknown": (["show", "nope" + CSI, "--lessons", "{lessons}"], 1, ["nope␛[31mRED"]),
    "check-missing": (["check", "missing" + OSC8 + ".yaml"], 1, ["missing␛]8;;"]),
    "simulate-missing": (["simulate", "gone" + C1 + ".yaml"], 1, ["gone"]),
    "new-bad-id": (["new", "x" + BIDI], 1, ["invalid id `xbidi:<U+202E>evil"]),
    "lessons-missing": (["--lessons", "no" + OSC52, "list"], 1, ["no␛]52;c;"]),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_command_output_is_inert(world: dict[str, Path], case: str) -> None:
    argv, code, expected = CLI_CASES[case]
    done = tutor(world, *(a.format(**{k: str(v) for k, v in world.items()}) for a in argv))
    both = done.stdout + done.stderr
    assert done.returncode == code, f"exit {done.returncode}:\n{both}"
    assert "Traceback" not in both and "MarkupError" not in both, both
    assert_inert(done.stdout, f"{case} stdout")
    assert_inert(done.stderr, f"{case} stderr")
    for piece in expected:
        assert piece in both, f"{case}: {piece!r} not in:\n{both[:3000]}"
    if case.endswith("json") or case.endswith("xapi"):
        json.loads(done.stdout)  # still valid JSON, values exact (escaped, not replaced)


def test_json_keeps_the_exact_values(world: dict[str, Path]) -> None:
    done = tutor(world, "show", str(world["good"]), "--format", "json")
    assert json.loads(done.stdout)["title"] == hostile("title")
    done = tutor(world, "simulate", str(world["scenario"]), "--format", "json")
    assert any(step.get("user") == "[/bold]" + OSC52 for step in json.loads(done.stdout))


def test_markdown_has_no_live_html_or_links(world: dict[str, Path]) -> None:
    out = tutor(world, "show", str(world["good"]), "--format", "markdown").stdout
    fenced = re.findall(r"^(`{3,})[^\n]*\n.*?^\1$", out, flags=re.MULTILINE | re.DOTALL)
    assert len(fenced) >= 3  # code, snapshot, transcript: shown verbatim by every Markdown reader
    prose = re.sub(r"^(`{3,})[^\n]*\n.*?^\1$", "", out, flags=re.MULTILINE | re.DOTALL)
    assert "<img" not in prose and "<script" not in prose, prose
    assert "](" not in prose.replace("\\](", "")  # no [text](url) link or image can form
    assert "```typescript" in out and "```typescript<" not in out  # the fence's language cannot carry HTML


def test_invalid_ids_are_listed_as_invalid_with_the_checks_message(world: dict[str, Path]) -> None:
    listed = tutor(world, "list", "--lessons", str(world["lessons"]), "--format", "json")
    by_path = {Path(e["path"]).name: e for e in json.loads(listed.stdout)}
    for name in ("dotdot.yaml", "cyrillic.yaml"):
        entry = by_path[name]
        assert entry["valid"] is False, entry
        checked = tutor(world, "check", str(world["lessons"] / name))
        assert checked.returncode == 1
        message = entry["problem"].split(": ", 1)[1]
        assert message in checked.stdout, (message, checked.stdout)
    assert by_path["hostile-output.yaml"]["valid"] is True


# --- the app ----------------------------------------------------------------------------------------
def _strips(app) -> list:
    return app.screen._compositor.render_strips()


def assert_screen_inert(app, where: str) -> str:
    """No forbidden character and no link from a lesson on screen; returns the screen's text."""
    lines = []
    for row, strip in enumerate(_strips(app)):
        for segment in strip:
            assert_inert(segment.text, f"{where}, row {row}")
            style = segment.style
            assert style is None or not style.link, f"{where}: a link on row {row}: {style.link!r}"
        lines.append(strip.text)
    return "\n".join(lines)


def test_app_shows_the_corpus_literally_everywhere(world: dict[str, Path], monkeypatch, tmp_path: Path) -> None:
    from tutor.lesson import catalog
    from tutor.ui.app import TutorApp

    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(catalog, "builtin_dir", lambda: None)
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    app = TutorApp(extra_dirs=[world["lessons"]], cursor_blink=False)
    asyncio.run(_drive(app, world))


async def _drive(app, world: dict[str, Path]) -> None:
    from tutor.lesson.modes import MODES
    from tutor.ui.modals.dialogs import ValueScreen

    async with app.run_test(size=(220, 60)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the picker: the hostile title, and the invalid lessons by file name
        text = assert_screen_inert(app, "picker")
        assert "<title> [bold]B[/bold] [/bold] [link=file:///etc/passwd]L[/link]" in text, text
        # the command palette's lesson commands: title and id
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open lesson")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        text = assert_screen_inert(app, "command palette")
        assert "Open lesson: <title> [bold]B[/bold]" in text, text
        assert "(hostile-output)" in text
        await pilot.press("escape")
        await pilot.pause()
        # a lesson with problems: the notification
        assert not app.open_lesson(world["invalid"])
        await pilot.pause()
        await pilot.pause(0.3)
        (notification,) = list(app._notifications)  # what the toast shows (notify(..., markup=False))
        assert_inert(notification.message + notification.title, "problems notification")
        assert "<level> [bold]B[/bold] [/bold] [link=file:///etc/passwd]" in notification.message
        assert_screen_inert(app, "picker with a notification")
        # every mode of the hostile lesson
        assert app.open_lesson(world["good"])
        await pilot.pause()
        screen = app.screen
        for mode in MODES:
            if screen.mode != mode:
                screen.switch_mode(mode)
            await pilot.pause()
            text = assert_screen_inert(app, f"mode {mode}")
            assert "[bold]B[/bold]" in text, f"{mode}:\n{text}"
        # the full-value dialog of a row: hostile headings and tracker labels
        screen.switch_mode("walkthrough")
        await pilot.pause()
        walk = screen.walkthrough
        for _ in range(3):
            await pilot.press("right")
            await pilot.pause()
            if walk.pending is not None:
                await pilot.press("1")
                await pilot.pause()
        app.push_screen(ValueScreen(walk.steps[walk.current - 1], screen.loaded.lesson.table.columns))
        await pilot.pause()
        text = assert_screen_inert(app, "value dialog")
        assert "<heading> [bold]B[/bold]" in text and "␛]52;c;" in text, text


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("case", ["simulate-text", "list", "show-text", "progress-text", "check"])
def test_on_a_terminal_only_our_own_colours_are_sent(world: dict[str, Path], case: str) -> None:
    """On a terminal the table may be coloured (SGR ``ESC[...m``, written by Rich for us); nothing else."""
    argv, code, _expected = CLI_CASES[case]
    args = [a.format(**{k: str(v) for k, v in world.items()}) for a in argv]
    env = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LESSONS", "NO_COLOR")}
    env.update(TUTOR_HOME=str(world["home"]), TERM="xterm-256color", COLUMNS="200")
    got, text = run_on_a_pty(args, env, world["base"], stdin_tty=False)
    assert got == code
    text = text.replace("\r\n", "\n")
    assert "\x1b]" not in text, "an OSC sequence (a link, the clipboard, a title) reached the terminal"
    assert_inert(re.sub(r"\x1b\[[0-9;]*m", "", text), f"{case} on a terminal")
    assert "[/bold]" in text or case != "simulate-text"
