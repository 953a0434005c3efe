"""Hypothesis: whatever text load_lesson gets, it returns a lesson or raises LoadError — nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_loader_helpers import TEXT

from tutor.lesson.loader import LoadedLesson, LoadError, lesson_from_text, load_lesson

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "yes",
    "No",
    "on",
    "~",
    "null",
    "[]",
    "{}",
    "-1",
    "0",
    "0x_",
    "0b2",
    "1_000",
    "1:30",
    ".inf",
    ".nan",
    "3.5",
    "!!str",
    "!!int x",
    "!foo x",
    "&a",
    "*a",
    "*nope",
    "'",
    '"',
    ":",
    ": :",
    "- x",
    "? x",
    "|",
    ">",
    "---",
    "...",
    "[1, [2, {a: b}]]",
    "{a: 1, a: 2}",
    "GET /",
    "POST /login",
    "logout",
    "login: bob",
    "request",
    "31m",
    "none",
    "receive",
    "phase",
    "step",
    "\t",
    "#",
    "%YAML 1.1",
    "@x",
    "`x`",
    "é",
    "\u2028",
    "\ufeff",
    "🎉",
]
LINES = TEXT.splitlines(keepends=True)


def _check(text: str) -> None:
    try:
        loaded = lesson_from_text(text, "fuzz.yaml")
    except LoadError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.line >= 1 and p.col >= 1 and p.message
            assert str(p).startswith(f"fuzz.yaml:{p.line}:{p.col}: error: ")
    else:
        assert isinstance(loaded, LoadedLesson)
        assert [s.step for s in loaded.steps] == list(range(1, len(loaded.steps) + 1))


yaml_alphabet = st.sampled_from(list("abcxyz019 -:[]{},'\"!&*#|>?\n\t~.%@`\\") + ["\n  ", "\n- ", ": ", "- "])


@SETTINGS
@given(st.lists(yaml_alphabet, max_size=80).map("".join))
def test_random_yaml_text(text):
    _check(text)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS + ["\n", "\n  ", "\n    ", " ", "key: ", "- "]), max_size=40).map("".join))
def test_random_token_soup(text):
    _check(text)


@st.composite
def mutated_lesson(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["replace-value", "delete", "duplicate", "insert", "indent", "truncate"]))
        line = lines[i]
        if kind == "replace-value" and ":" in line:
            head = line.split(":", 1)[0]
            lines[i] = f"{head}: {draw(st.sampled_from(TOKENS))}\n"
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "insert":
            indent = " " * draw(st.integers(0, 8))
            lines.insert(i, f"{indent}{draw(st.sampled_from(TOKENS))}\n")
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(1, 3)) + line
        else:
            cut = draw(st.integers(0, max(0, len(line) - 1)))
            lines[i] = line[:cut] + "\n"
        if not lines:
            break
    return "".join(lines)


@SETTINGS
@given(mutated_lesson())
def test_mutations_of_a_valid_lesson(text):
    _check(text)


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_from_a_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "lesson.yaml"
    path.write_bytes(data)
    try:
        load_lesson(path)
    except LoadError as exc:
        assert exc.problems


# --- wide encodings: a clear message, not "binary file" --------------------------------------------

import pytest  # noqa: E402


@pytest.mark.parametrize(
    ("codec", "bom", "name"),
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16"),
        ("utf-16-be", b"\xfe\xff", "UTF-16"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "UTF-32"),
        ("utf-16-le", b"", "UTF-16"),  # Notepad-style UTF-16 without a byte-order mark
        ("utf-16-be", b"", "UTF-16"),
    ],
)
def test_a_wide_encoding_is_named_and_the_fix_said(tmp_path, codec, bom, name):
    path = tmp_path / "lesson.yaml"
    path.write_bytes(bom + TEXT.encode(codec))
    try:
        load_lesson(path)
    except LoadError as exc:
        (problem,) = exc.problems
    else:
        raise AssertionError("a UTF-16/32 file loaded")
    assert str(problem) == f"{path}:1:1: error: this file is {name}, not UTF-8; save it as UTF-8"


def test_a_nul_byte_in_utf8_text_is_still_binary(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_bytes(TEXT.encode() + b"x\x00y\n")
    try:
        load_lesson(path)
    except LoadError as exc:
        (problem,) = exc.problems
    assert "binary file (it contains a NUL byte)" in problem.message
