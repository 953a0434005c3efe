"""Hardening: hostile lesson text is shown literally everywhere.

A lesson (written to tmp_path) whose text fields carry Rich markup, ANSI and OSC 8 escape sequences,
C0/C1 control characters, a 5,000-character word, right-to-left text, wide emoji and CJK must load,
show literally in every mode of the app (markup not interpreted, control characters made visible, no
escape byte on the screen) and be printed literally by `tutor show`. Raw control bytes in the file
itself are refused with a clean ``FILE:LINE:COL`` error.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile_corpus import CSI as ANSI
from hostile_corpus import FORBIDDEN as _FORBIDDEN
from hostile_corpus import HOSTILE as _CORPUS
from hostile_corpus import MARKUP
from ui_support import app_for

from tutor.cli import main
from tutor.lesson.modes import MODES
from tutor.ui.text import visible

ROOT = Path(__file__).resolve().parent.parent
BASE_LESSON = ROOT / "lessons" / "session-lifecycle.yaml"

# the project's one hostile corpus (markup, CSI, OSC 52 and 8, C0/C1, bidi, invisible, HTML), plus text
# that is hostile to layout: right-to-left scripts, wide characters, a very long word
RTL = "مرحبا שלום"
WIDE = "🍪🔐 会话セッション"
LONG_WORD = "W" * 5000
HOSTILE = f"{_CORPUS} {RTL} {WIDE}"


def hostile(tag: str) -> str:
    return f"<{tag}> {HOSTILE}"


def write_hostile_lesson(tmp_path: Path) -> Path:
    data: dict[str, Any] = yaml.load(BASE_LESSON.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data["id"] = "hostile-display"
    data["title"] = hostile("title")
    data["summary"] = hostile("summary") + " " + LONG_WORD
    data["flow"]["nodes"][0]["label"] = hostile("flow")
    data["code"].append(
        {"title": hostile("codetitle"), "language": "text", "source": hostile("codesource") + "\n" + LONG_WORD + "\n"}
    )
    data["narration"] = [
        {"step": 1, "text": hostile("narration")},
        {"phase": "read_cookie", "text": hostile("phase-narration")},
    ]
    data["moments"] = [{"question": hostile("moment-q"), "answer": hostile("moment-a"), "steps": [1]}]
    data["snapshot"] = hostile("snapshot")
    data["transcript"] = hostile("transcript") + "\n" + LONG_WORD
    data["questions"] = [
        {
            "id": "hostile-question",
            "difficulty": "easy",
            "prompt": hostile("prompt"),
            "code": {"language": "text", "source": hostile("qcode")},
            "choices": [
                {"text": hostile("choice-right"), "correct": True, "feedback": hostile("feedback")},
                {"text": hostile("choice-wrong")},
            ],
            "hints": [hostile("hint"), LONG_WORD],
            "solution": [hostile("solution")],
            "mistakes": [hostile("mistake")],
        }
    ]
    data["challenges"][0]["title"] = hostile("challenge")
    data["challenges"][0]["brief"] = hostile("challenge-brief")
    path = tmp_path / "hostile-display.yaml"
    # safe_dump writes the control characters as escapes ("\e[31m"), which is valid YAML text.
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096), encoding="utf-8")
    return path


@pytest.fixture
def lesson_path(tmp_path: Path) -> Path:
    return write_hostile_lesson(tmp_path)


def test_hostile_lesson_loads_with_every_character_kept(lesson_path: Path) -> None:
    from tutor.lesson.loader import load_lesson

    loaded = load_lesson(lesson_path)
    lesson = loaded.lesson
    assert lesson.title == hostile("title")
    assert lesson.transcript.endswith(LONG_WORD)
    assert lesson.questions[0].hints[1] == LONG_WORD
    assert lesson.narration[0].text == hostile("narration")


def test_raw_control_byte_in_file_is_a_clean_positioned_error(tmp_path: Path, capsys) -> None:
    path = write_hostile_lesson(tmp_path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("summary:"))
    lines[index] = "summary: raw \x1b[31m escape\n"
    path.write_text("".join(lines), encoding="utf-8")
    code = main(["check", str(path)])
    out = capsys.readouterr()
    combined = out.out + out.err
    assert code == 1
    assert "Traceback" not in combined
    assert re.search(re.escape(str(path)) + r":\d+:\d+: error: ", combined), combined
    assert "\x1b" not in combined  # the error message does not echo the escape byte itself


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_tutor_show_prints_literally(lesson_path: Path, fmt: str, capsys) -> None:
    code = main(["show", str(lesson_path), "--format", fmt])
    out = capsys.readouterr()
    assert code == 0, out.err
    if fmt == "json":
        data = json.loads(out.out)
        dumped = json.dumps(data, ensure_ascii=False)
        # JSON keeps the exact strings (escaped by JSON itself)
        assert hostile("title") in dumped or json.dumps(hostile("title"), ensure_ascii=False)[1:-1] in dumped
        assert "\x1b" not in out.out
        return
    printed = out.out
    bad = _FORBIDDEN.search(printed.replace("\n", "").replace("\t", ""))
    assert bad is None, (
        f"`tutor show --format {fmt}` wrote the raw control character {bad.group()!r} from the lesson to stdout "
        f"(a terminal would interpret it): ...{printed[max(0, printed.find(bad.group()) - 40) : printed.find(bad.group()) + 20]!r}..."
    )
    if fmt == "markdown":  # HTML and Markdown syntax are escaped: read it back as a Markdown reader shows it
        import html

        printed = html.unescape(re.sub(r"\\(.)", r"\1", printed))
    for tag in ("title", "prompt", "choice-right"):
        assert f"<{tag}> " in printed, tag
        assert f"<{tag}> {visible(HOSTILE)}" in printed or f"<{tag}> {MARKUP}" in printed.replace("\\[", "["), tag
    assert MARKUP in printed.replace("\\[", "[")  # markdown may escape brackets; the text itself is intact
    assert visible(ANSI) in printed
    assert RTL in printed and WIDE in printed
    assert LONG_WORD in printed.replace("\n", "")


# --- the app ---------------------------------------------------------------------------------------
def _screen(app) -> tuple[str, list]:
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips), strips


def _assert_clean(strips) -> None:
    for row, strip in enumerate(strips):
        for segment in strip:
            bad = _FORBIDDEN.search(segment.text)
            assert bad is None, f"control character {bad.group()!r} on screen row {row}: {segment.text!r}"
            style = segment.style
            assert style is None or not style.link or "e.x" not in style.link, (
                f"a lesson link became clickable on row {row}"
            )


# What each mode shows of the lesson without any interaction.
MODE_TAGS = {
    "walkthrough": ["narration"],
    "moments": ["moment-q"],
    "visual": [],  # a quiz over the flow diagram; this lesson has no visual questions
    "practice": ["prompt", "choice-right"],
    "test": ["prompt"],
    "snapshot": ["snapshot"],
    "transcript": ["transcript"],
    "play": [],
    "challenges": ["challenge", "challenge-brief"],
}


def test_every_mode_shows_hostile_text_literally(lesson_path: Path, tmp_path: Path, monkeypatch) -> None:
    """One app at 200x60; each mode in turn: the hostile text is on screen literally, nothing escapes."""
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    app = app_for(["open", str(lesson_path), "--step", "1"])
    asyncio.run(_check_modes(app))


async def _check_modes(app) -> None:
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        screen = app.screen
        # the title is in the header of every mode
        for mode in MODES:
            if screen.mode != mode:
                screen.switch_mode(mode)
            await pilot.pause()
            assert screen.mode == mode
            text, strips = _screen(app)
            _assert_clean(strips)
            for tag in ("title", *MODE_TAGS[mode]):
                assert f"<{tag}> " in text, f"{mode}: <{tag}> not on screen:\n{text}"
                line = next(line for line in text.splitlines() if f"<{tag}> " in line)
                after = line[line.index(f"<{tag}> ") :]
                # markup shown as typed; the ESC of the ANSI sequence shown as a visible stand-in
                assert after.startswith(f"<{tag}> " + MARKUP[: MARKUP.index("[link=") + 6]), f"{mode}: {after!r}"
            if MODE_TAGS[mode]:
                assert visible(ANSI) in text, f"{mode}: {visible(ANSI)!r} not on screen"
                assert any(ch in text for ch in RTL) and "会话" in text
        # practice: the hint ladder, then the 5,000-character word (wrapped or cropped, never mangled)
        screen.switch_mode("practice")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        text, strips = _screen(app)
        _assert_clean(strips)
        assert "<hint> [bold]B[/bold]" in text, text
        await pilot.press("h")
        await pilot.pause()
        text, strips = _screen(app)
        _assert_clean(strips)
        assert "W" * 150 in text.replace("\n", ""), "the long hint is not on screen"
