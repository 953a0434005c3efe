"""Section 1: reading YAML safely, with exact positions for every kind of bad input."""

from __future__ import annotations

import time

import pytest
from test_loader_helpers import TEXT, at, mutate, only, pos, problems

from tutor.lesson.loader import load_lesson
from tutor.lesson.yamlsource import MAX_BYTES


def test_the_fixture_is_valid():
    loaded = load_lesson(__import__("test_loader_helpers").FIXTURE)
    assert loaded.lesson.id == "loader-fixture"
    assert [s.step for s in loaded.steps] == list(range(1, len(loaded.steps) + 1))


def test_problem_str_has_file_line_col_and_hint(tmp_path):
    p = only(problems(tmp_path, "id: x\ntitle: a: b\n"))
    assert (
        str(p) == f"{p.path}:2:9: error: invalid YAML: mapping values are not allowed in this context\n"
        "  hint: a value that contains ': ' must be quoted, e.g. text: \"a: b\""
    )


def test_yaml_syntax_error_position(tmp_path):
    text = mutate("  - id: first-phase\n", "  - id: first-phase\n    prompt: [unclosed\n")
    p = only(problems(tmp_path, text))
    line, col = pos(text, "[unclosed")
    assert p.message == (
        "invalid YAML: did not find expected ',' or ']' "
        f"(while parsing a flow sequence started at line {line}, column {col})"
    )
    # the parser notices at the `:` of the next line (`    difficulty: easy`), still inside the [ ]
    assert (p.line, p.col) == (line + 1, 15)


def test_unclosed_quote(tmp_path):
    p = only(problems(tmp_path, 'id: x\ntitle: "never closed\n'))
    assert (
        p.message
        == "invalid YAML: found unexpected end of stream (while scanning a quoted scalar started at line 2, column 8)"
    )
    assert (p.line, p.col) == (3, 1)


def test_tab_indentation_hint(tmp_path):
    p = only(problems(tmp_path, "flow:\n\tnodes: []\n"))
    assert (p.line, p.col) == (2, 1)
    assert "tabs" in p.hint


def test_two_documents(tmp_path):
    text = TEXT + "---\nid: other\n"
    p = only(problems(tmp_path, text))
    assert p.message == "a second YAML document starts here; a file holds exactly one"
    assert (p.line, p.col) == (pos(text, "---\nid: other")[0], 1)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n  # and another\n", "   \n"])
def test_empty_file(tmp_path, text):
    p = only(problems(tmp_path, text))
    assert (p.line, p.col, p.message) == (1, 1, "the file is empty (no YAML content)")


def test_document_marker_only_is_empty(tmp_path):
    p = only(problems(tmp_path, "---\n...\n"))
    assert p.message == "the file is empty (no YAML content)"


def test_file_over_one_mebibyte(tmp_path):
    text = TEXT + "#" + "x" * MAX_BYTES + "\n"
    p = only(problems(tmp_path, text))
    assert (p.line, p.col) == (1, 1)
    assert "larger than 1 MiB" in p.message


def test_nul_byte_is_binary(tmp_path):
    data = b"id: x\ntitle: ab\x00cd\n"
    p = only(problems(tmp_path, data))
    assert (p.line, p.col) == (2, 10)
    assert "binary file" in p.message and "NUL" in p.message


def test_control_character_is_binary(tmp_path):
    p = only(problems(tmp_path, "id: x\n  \x07\n"))
    assert (p.line, p.col) == (2, 3)
    assert "control character U+0007" in p.message


def test_invalid_utf8_reports_line_and_column_of_the_bad_byte(tmp_path):
    data = "id: x\ntitle: héllo \xff\n".encode().replace("\xff".encode(), b"\xff")
    p = only(problems(tmp_path, data))
    # columns count characters: "title: héllo " is 13 characters, so the bad byte is column 14
    assert (p.line, p.col) == (2, 14)
    assert p.message.startswith("invalid UTF-8 (byte 0xff)")


def test_bom_is_stripped(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert load_lesson(path).lesson.id == "loader-fixture"


def test_bom_does_not_shift_columns(tmp_path):
    p = only(problems(tmp_path, b"\xef\xbb\xbfid: x: y\n"))
    assert (p.line, p.col) == (1, 6)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("!!python/object:os.system x", "'!!python/object:os.system'"),
        ("!foo 1", "'!foo'"),
        ("!!binary aGVsbG8=", "'!!binary'"),
        ("!!timestamp 2020-01-01", "'!!timestamp'"),
    ],
)
def test_non_standard_tags_are_errors_at_the_node(tmp_path, value, shown):
    text = mutate("minutes: 3\n", f"minutes: 3\nextra: {value}\n")
    p = only(problems(tmp_path, text))
    assert p.message == f"the tag {shown} is not allowed"
    assert (p.line, p.col) == pos(text, value)


def test_every_bad_tag_is_reported(tmp_path):
    text = mutate("minutes: 3\n", "minutes: 3\na: !x 1\nb: !y 2\n")
    found = problems(tmp_path, text)
    assert [(p.line, p.col) for p in found] == [pos(text, "!x"), pos(text, "!y")]


def test_standard_explicit_tags_are_fine(tmp_path):
    from test_loader_helpers import write

    text = mutate("minutes: 3\n", "minutes: !!int 3\n").replace("summary: An", "summary: !!str An")
    assert load_lesson(write(tmp_path, text)).lesson.minutes == 3


def test_plain_timestamp_is_just_text(tmp_path):
    from test_loader_helpers import write

    text = mutate("summary: An anonymous visit gets a session; signing in rotates its ID.", "summary: 2024-01-01")
    assert load_lesson(write(tmp_path, text)).lesson.summary == "2024-01-01"


# Hostile input must be refused without hanging; the limit is loose on purpose (shared 2-core machines):
# it catches exponential blow-ups, not small slowdowns, which `python -m bench` measures.
HANG = 120.0  # generous: a true blow-up (10**7 nodes, 100k levels) never finishes at all


def test_alias_bomb(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    prev = "a"
    for name in "bcdefg":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
        prev = name
    text = "\n".join(lines) + "\n"
    start = time.perf_counter()
    p = only(problems(tmp_path, text))
    assert time.perf_counter() - start < HANG
    assert p.message.startswith("too many nodes (alias expansion?)")
    assert (p.line, p.col) == (7, 4)  # at the top-level value being expanded: g (walked first), 10**7 nodes


def test_recursive_alias(tmp_path):
    p = only(problems(tmp_path, "a: &x [1, *x]\n"))
    assert (p.line, p.col) == (1, 4)
    assert p.message == "nesting deeper than 64 levels"  # the list contains itself: it nests forever


def test_deep_block_nesting(tmp_path):
    text = "a:" + "".join("\n" + "  " * i + "-" for i in range(1, 80)) + " x\n"
    p = only(problems(tmp_path, text))
    assert p.message == "nesting deeper than 64 levels"
    # the root mapping is level 1, `a`'s list level 2, ... the 65th level is the 64th list
    assert (p.line, p.col) == (65, 2 * 64 + 1)


def test_deep_flow_nesting_is_fast_and_positioned(tmp_path):
    text = "a: " + "[" * 100_000 + "]" * 100_000 + "\n"
    start = time.perf_counter()
    p = only(problems(tmp_path, text))
    assert time.perf_counter() - start < HANG
    assert p.message == "nesting deeper than 64 levels"
    assert (p.line, p.col) == (1, 4 + 64)


def test_moderately_deep_flow_nesting(tmp_path):
    text = "a: " + "[" * 100 + "]" * 100 + "\n"
    p = only(problems(tmp_path, text))
    assert p.message == "nesting deeper than 64 levels"
    assert (p.line, p.col) == (1, 4 + 63)  # root mapping is level 1, so the 64th bracket is level 65


def test_a_big_valid_looking_file_is_checked_quickly(tmp_path):
    filler = "".join(f"# comment line {i} " + "y" * 60 + "\n" for i in range(12_000))
    text = filler + TEXT
    assert len(text.encode()) < MAX_BYTES
    start = time.perf_counter()
    from test_loader_helpers import write

    assert load_lesson(write(tmp_path, text)).lesson.id == "loader-fixture"
    assert time.perf_counter() - start < HANG


def test_one_mebibyte_of_flow_list_is_checked_quickly(tmp_path):
    text = "tags: [" + ", ".join(["x"] * 300_000) + "]\n"
    assert len(text.encode()) < MAX_BYTES
    start = time.perf_counter()
    p = only(problems(tmp_path, text))
    assert time.perf_counter() - start < HANG
    assert p.message == "too many nodes (alias expansion?): more than 100,000"
    assert (p.line, p.col) == (1, 7)


def test_missing_file_and_folder(tmp_path):
    from tutor.lesson.loader import LoadError

    with pytest.raises(LoadError) as info:
        load_lesson(tmp_path / "nope.yaml")
    assert info.value.problems[0].message == "no such file"
    with pytest.raises(LoadError) as info:
        load_lesson(tmp_path)
    assert "folder" in info.value.problems[0].message


def test_positions_helper_matches_at(tmp_path):
    text = mutate("minutes: 3\n", "minutes: 3\nbad: !x 1\n")
    found = problems(tmp_path, text)
    at(found, *pos(text, "!x"))
