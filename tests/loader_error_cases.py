"""The loader's bad-input table: one file changed one way, and every line `tutor` prints about it.

Each case builds a file — the fixture lesson (`tests/fixtures/loader_lesson.yaml`) with edits, the same
lesson with marks on two events (`MARKED`), a whole file of its own, or a scenario — and gives the exact
problems the command prints, `FILE:LINE:COL: error: MESSAGE` with its `hint:` lines. A lesson is run
through `tutor check lesson.yaml`, a scenario through `tutor simulate s.yaml` (both in the file's folder, so
FILE is the name written here); `tests/test_loader_errors.py` runs the table and asserts the whole output
and exit code 1. An edit is `(old, new)`: `old` must occur exactly once in the text it edits.
"""

from __future__ import annotations

from typing import NamedTuple

from test_loader_helpers import TEXT, mutate

from tutor.lesson.yamlsource import MAX_BYTES

Edit = tuple[str, str]


def edited(text: str, *edits: Edit) -> str:
    for old, new in edits:
        text = mutate(old, new, text)
    return text


# The fixture's table: 1 receive (GET /), 2 create_session, 3 receive (POST /login), 4 rotate_session.
MARKED = edited(
    TEXT,
    (
        "    - request: GET /\n    - login: alice\n",
        "    - request: GET /\n      mark: visit\n    - login: alice\n      mark: login\n",
    ),
)


class Case(NamedTuple):
    id: str
    command: str  # "check" (a lesson) or "simulate" (a scenario)
    name: str  # the file's name, as the output spells it
    content: str | bytes
    expect: str  # every problem line and hint line, in order


def _expect(text: str) -> str:
    return text.strip("\n")


def lesson(id: str, *edits: Edit, expect: str) -> Case:
    """The fixture lesson with ``edits``."""
    return Case(id, "check", "lesson.yaml", edited(TEXT, *edits), _expect(expect))


def marked(id: str, *edits: Edit, expect: str) -> Case:
    """The fixture lesson with marks `visit` (event 1) and `login` (event 2), then ``edits``."""
    return Case(id, "check", "lesson.yaml", edited(MARKED, *edits), _expect(expect))


def whole(id: str, content: str | bytes, expect: str) -> Case:
    """A lesson file of exactly ``content``."""
    return Case(id, "check", "lesson.yaml", content, _expect(expect))


def scenario(id: str, content: str, expect: str) -> Case:
    """A scenario file of exactly ``content``."""
    return Case(id, "simulate", "s.yaml", content, _expect(expect))


def events(*lines: str) -> str:
    """A scenario with seed 1 and these event lines."""
    return "engine:\n  seed: 1\nevents:\n" + "".join(line + "\n" for line in lines)


# 10 lists of 10 aliases to the one before, 7 deep: 10**7 nodes if expanded
ALIAS_BOMB = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
    f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]" for prev, name in zip("abcdef", "bcdefg", strict=True)
]

CASES: list[Case] = [
    # --- reading YAML: syntax, encodings, sizes, tags, nesting ----------------------------------------
    whole(
        "yaml-value-with-colon-must-be-quoted",
        "id: x\ntitle: a: b\n",
        expect="""
lesson.yaml:2:9: error: invalid YAML: mapping values are not allowed in this context
  hint: a value that contains ': ' must be quoted, e.g. text: "a: b"
""",
    ),
    lesson(
        "yaml-unclosed-flow-list-noticed-on-the-next-line",
        ("  - id: first-phase\n", "  - id: first-phase\n    prompt: [unclosed\n"),
        expect="""
lesson.yaml:61:15: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence started at line 60, column 13)
""",
    ),
    whole(
        "yaml-unclosed-quote-at-end-of-stream",
        'id: x\ntitle: "never closed\n',
        expect="""
lesson.yaml:3:1: error: invalid YAML: found unexpected end of stream (while scanning a quoted scalar started at line 2, column 8)
  hint: a quoted string is missing its closing quote
""",
    ),
    whole(
        "yaml-tab-indentation",
        "flow:\n\tnodes: []\n",
        expect="""
lesson.yaml:2:1: error: invalid YAML: found character that cannot start any token
  hint: indent with spaces, not tabs; quote text starting with @ or `
""",
    ),
    whole(
        "yaml-second-document",
        TEXT + "---\nid: other\n",
        expect="""
lesson.yaml:85:1: error: a second YAML document starts here; a file holds exactly one
  hint: remove the '---' line (or split the file in two)
""",
    ),
    whole(
        "empty-file",
        "",
        expect="""
lesson.yaml:1:1: error: the file is empty (no YAML content)
""",
    ),
    whole(
        "empty-file-blank-lines",
        "\n\n",
        expect="""
lesson.yaml:1:1: error: the file is empty (no YAML content)
""",
    ),
    whole(
        "empty-file-only-comments",
        "# only a comment\n  # and another\n",
        expect="""
lesson.yaml:1:1: error: the file is empty (no YAML content)
""",
    ),
    whole(
        "empty-file-only-spaces",
        "   \n",
        expect="""
lesson.yaml:1:1: error: the file is empty (no YAML content)
""",
    ),
    whole(
        "empty-file-document-markers-only",
        "---\n...\n",
        expect="""
lesson.yaml:1:1: error: the file is empty (no YAML content)
""",
    ),
    whole(
        "file-over-one-mebibyte",
        TEXT + "#" + "x" * MAX_BYTES + "\n",
        expect="""
lesson.yaml:1:1: error: the file is larger than 1 MiB; a lesson file must be smaller
""",
    ),
    whole(
        "binary-nul-byte",
        b"id: x\ntitle: ab\x00cd\n",
        expect="""
lesson.yaml:2:10: error: this is a binary file (it contains a NUL byte), not YAML text
""",
    ),
    whole(
        "binary-control-character",
        "id: x\n  \x07\n",
        expect="""
lesson.yaml:2:3: error: this looks like a binary file: control character U+0007 is not allowed in YAML
""",
    ),
    whole(
        "invalid-utf8-column-counts-characters",
        "id: x\ntitle: héllo ".encode() + b"\xff\n",
        expect="""
lesson.yaml:2:14: error: invalid UTF-8 (byte 0xff); save the file as UTF-8
""",
    ),
    whole(
        "bom-does-not-shift-columns",
        b"\xef\xbb\xbfid: x: y\n",
        expect="""
lesson.yaml:1:6: error: invalid YAML: mapping values are not allowed in this context
  hint: a value that contains ': ' must be quoted, e.g. text: "a: b"
""",
    ),
    lesson(
        "tag-python-object",
        ("minutes: 3\n", "minutes: 3\nextra: !!python/object:os.system x\n"),
        expect="""
lesson.yaml:8:8: error: the tag '!!python/object:os.system' is not allowed
  hint: lesson files use plain YAML: strings, numbers, booleans, lists and mappings
""",
    ),
    lesson(
        "tag-local",
        ("minutes: 3\n", "minutes: 3\nextra: !foo 1\n"),
        expect="""
lesson.yaml:8:8: error: the tag '!foo' is not allowed
  hint: lesson files use plain YAML: strings, numbers, booleans, lists and mappings
""",
    ),
    lesson(
        "tag-binary",
        ("minutes: 3\n", "minutes: 3\nextra: !!binary aGVsbG8=\n"),
        expect="""
lesson.yaml:8:8: error: the tag '!!binary' is not allowed
  hint: lesson files use plain YAML: strings, numbers, booleans, lists and mappings
""",
    ),
    lesson(
        "tag-timestamp",
        ("minutes: 3\n", "minutes: 3\nextra: !!timestamp 2020-01-01\n"),
        expect="""
lesson.yaml:8:8: error: the tag '!!timestamp' is not allowed
  hint: lesson files use plain YAML: strings, numbers, booleans, lists and mappings
""",
    ),
    lesson(
        "tag-every-bad-one-reported",
        ("minutes: 3\n", "minutes: 3\na: !x 1\nb: !y 2\n"),
        expect="""
lesson.yaml:8:4: error: the tag '!x' is not allowed
  hint: lesson files use plain YAML: strings, numbers, booleans, lists and mappings
lesson.yaml:9:4: error: the tag '!y' is not allowed
  hint: lesson files use plain YAML: strings, numbers, booleans, lists and mappings
""",
    ),
    lesson(
        "tag-on-a-new-key",
        ("minutes: 3\n", "minutes: 3\nbad: !x 1\n"),
        expect="""
lesson.yaml:8:6: error: the tag '!x' is not allowed
  hint: lesson files use plain YAML: strings, numbers, booleans, lists and mappings
""",
    ),
    whole(
        "alias-bomb-ten-million-nodes",
        "\n".join(ALIAS_BOMB) + "\n",
        expect="""
lesson.yaml:7:4: error: too many nodes (alias expansion?): more than 100,000
""",
    ),
    whole(
        "alias-recursive-nests-forever",
        "a: &x [1, *x]\n",
        expect="""
lesson.yaml:1:4: error: nesting deeper than 64 levels
""",
    ),
    whole(
        "nesting-block-deeper-than-64",
        "a:" + "".join("\n" + "  " * i + "-" for i in range(1, 80)) + " x\n",
        expect="""
lesson.yaml:65:129: error: nesting deeper than 64 levels
""",
    ),
    whole(
        "nesting-flow-deeper-than-64",
        "a: " + "[" * 100 + "]" * 100 + "\n",
        expect="""
lesson.yaml:1:67: error: nesting deeper than 64 levels
""",
    ),
    whole(
        "nesting-flow-100000-levels",
        "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        expect="""
lesson.yaml:1:68: error: nesting deeper than 64 levels
""",
    ),
    whole(
        "nodes-one-mebibyte-of-flow-list",
        "tags: [" + ", ".join(["x"] * 300_000) + "]\n",
        expect="""
lesson.yaml:1:7: error: too many nodes (alias expansion?): more than 100,000
""",
    ),
    # --- the schema: keys, types, bounds, patterns ------------------------------------------------------
    lesson(
        "duplicate-key-at-the-second-key",
        ("minutes: 3\n", "minutes: 3\nminutes: 4\n"),
        expect="""
lesson.yaml:8:1: error: duplicate key `minutes` (first at line 7)
  hint: remove one of them
""",
    ),
    lesson(
        "duplicate-key-of-a-mapping",
        ("      read_cookie: [2, 3]\n", "      read_cookie: [2, 3]\n      read_cookie: [1]\n"),
        expect="""
lesson.yaml:31:7: error: duplicate key `read_cookie` (first at line 30)
  hint: remove one of them
""",
    ),
    lesson(
        "unknown-field-did-you-mean-and-the-missing-one",
        ("summary: An", "sumary: An"),
        expect="""
lesson.yaml:3:1: error: missing field `summary` in Lesson
lesson.yaml:5:1: error: unknown field `sumary` in Lesson
  hint: did you mean `summary`?
""",
    ),
    lesson(
        "unknown-field-lists-the-known-fields",
        (
            "    - {from: browser, to: server, label: request}",
            "    - {from: browser, to: server, label: request, zzz: 1}",
        ),
        expect="""
lesson.yaml:18:51: error: unknown field `zzz` in FlowEdge
  hint: known fields: from, to, label
""",
    ),
    lesson(
        "unknown-field-comma-in-a-flow-mapping",
        ("label: request}", "label: request, then reply}"),
        expect="""
lesson.yaml:18:51: error: unknown field `then reply` in FlowEdge
  hint: a comma inside { } starts a new entry: quote text that contains commas, e.g. label: "a, b"
""",
    ),
    lesson(
        "type-text-for-a-whole-number",
        ("minutes: 3", "minutes: three"),
        expect="""
lesson.yaml:7:10: error: expected a whole number, found text
""",
    ),
    lesson(
        "type-text-for-a-list",
        ("tags: [sessions]", "tags: sessions"),
        expect="""
lesson.yaml:8:7: error: expected a list, found text
  hint: write one item per line, each starting with '- '
""",
    ),
    lesson(
        "type-boolean-for-a-whole-number",
        ("minutes: 3", "minutes: true"),
        expect="""
lesson.yaml:7:10: error: expected a whole number, found the boolean true
""",
    ),
    lesson(
        "bound-at-most",
        ("minutes: 3", "minutes: 999"),
        expect="""
lesson.yaml:7:10: error: must be at most 240; found 999
""",
    ),
    lesson(
        "missing-field-at-the-mapping",
        ("    - id: server\n      label: Server\n", "    - id: server\n"),
        expect="""
lesson.yaml:14:7: error: missing field `label` in FlowNode
""",
    ),
    lesson(
        "boolean-Yes-for-text",
        ("      - text: validate\n", "      - text: Yes\n"),
        expect="""
lesson.yaml:66:15: error: `Yes` is read as a boolean (true/false) here, not as text
  hint: quote it: "Yes"
""",
    ),
    lesson(
        "boolean-yes-for-text",
        ("  - variable: user\n", "  - variable: user\n    label: yes\n"),
        expect="""
lesson.yaml:47:12: error: `yes` is read as a boolean (true/false) here, not as text
  hint: quote it: "yes"
""",
    ),
    lesson(
        "boolean-No-for-text",
        ("  - variable: user\n", "  - variable: user\n    label: No\n"),
        expect="""
lesson.yaml:47:12: error: `No` is read as a boolean (true/false) here, not as text
  hint: quote it: "No"
""",
    ),
    lesson(
        "boolean-on-for-text",
        ("  - variable: user\n", "  - variable: user\n    label: on\n"),
        expect="""
lesson.yaml:47:12: error: `on` is read as a boolean (true/false) here, not as text
  hint: quote it: "on"
""",
    ),
    lesson(
        "boolean-off-for-text",
        ("  - variable: user\n", "  - variable: user\n    label: off\n"),
        expect="""
lesson.yaml:47:12: error: `off` is read as a boolean (true/false) here, not as text
  hint: quote it: "off"
""",
    ),
    lesson(
        "boolean-true-for-text",
        ("  - variable: user\n", "  - variable: user\n    label: true\n"),
        expect="""
lesson.yaml:47:12: error: `true` is read as a boolean (true/false) here, not as text
  hint: quote it: "true"
""",
    ),
    lesson(
        "boolean-FALSE-for-text",
        ("  - variable: user\n", "  - variable: user\n    label: FALSE\n"),
        expect="""
lesson.yaml:47:12: error: `FALSE` is read as a boolean (true/false) here, not as text
  hint: quote it: "FALSE"
""",
    ),
    lesson(
        "boolean-field-yes-is-not-true",
        ("        correct: true\n      - text: validate", "        correct: yes\n      - text: validate"),
        expect="""
lesson.yaml:65:18: error: expected true or false, found `yes`
  hint: write true
""",
    ),
    lesson(
        "literal-did-you-mean",
        ("level: beginner", "level: begginer"),
        expect="""
lesson.yaml:6:8: error: expected one of advanced, beginner, intermediate; found `begginer`
  hint: did you mean `beginner`?
""",
    ),
    lesson(
        "pattern-duration-or-none",
        ("    seed: 3\n", "    seed: 3\n    idle_timeout: 30 minutes\n"),
        expect="""
lesson.yaml:34:19: error: expected a duration such as 90s, 31m, 2h or 7d, or none; found `30 minutes`
""",
    ),
    lesson(
        "pattern-duration-of-advance",
        ("    - login: alice\n", "    - login: alice\n    - advance: soon\n"),
        expect="""
lesson.yaml:37:16: error: expected a duration such as 90s, 31m, 2h or 7d; found `soon`
""",
    ),
    lesson(
        "pattern-id",
        ("id: loader-fixture", "id: Loader_Fixture"),
        expect="""
lesson.yaml:3:5: error: expected an id: lower-case letters, digits and dashes (at most 64, not starting with a dash); found `Loader_Fixture`
""",
    ),
    lesson(
        "min-length-text-must-not-be-empty",
        ('transcript: "Narrator: the browser visits, then alice signs in."', 'transcript: ""'),
        expect="""
lesson.yaml:57:13: error: must not be empty
""",
    ),
    lesson(
        "min-length-list",
        ("      - text: validate\n", ""),
        expect="""
lesson.yaml:64:7: error: expected at least 2 items, found 1
""",
    ),
    lesson(
        "min-length-secret",
        ("    seed: 3\n", "    seed: 3\n    strategy: jwt\n    secret: short\n"),
        expect="""
lesson.yaml:35:13: error: must be at least 32 characters long (it has 5)
""",
    ),
    lesson(
        "text-missing-after-the-colon",
        ("snapshot: A visit, then a login that rotates the session ID.", "snapshot:"),
        expect="""
lesson.yaml:56:10: error: expected text, found nothing (null)
  hint: write the text after the colon
""",
    ),
    lesson(
        "text-read-as-a-mapping",
        ("snapshot: A visit, then a login that rotates the session ID.", "snapshot:\n  note: a visit"),
        expect="""
lesson.yaml:57:3: error: expected text, found a mapping
  hint: text that contains ': ' must be quoted (or written as a block with |)
""",
    ),
    lesson(
        "every-schema-problem-in-one-run",
        ("level: beginner", "level: expert"),
        ("minutes: 3", "minutes: -1"),
        ("summary: An", "sumary: An"),
        ("    - request: GET /\n", "    - reqest: GET /\n"),
        ("        correct: true\n      - text: validate", "        correct: yes\n      - text: validate"),
        ("    difficulty: medium", "    difficulty: medum"),
        expect="""
lesson.yaml:3:1: error: missing field `summary` in Lesson
lesson.yaml:5:1: error: unknown field `sumary` in Lesson
  hint: did you mean `summary`?
lesson.yaml:6:8: error: expected one of advanced, beginner, intermediate; found `expert`
lesson.yaml:7:10: error: must be at least 1; found -1
lesson.yaml:35:7: error: unknown event `reqest`
  hint: did you mean `request`?
lesson.yaml:65:18: error: expected true or false, found `yes`
  hint: write true
lesson.yaml:68:17: error: expected one of easy, hard, medium; found `medum`
  hint: did you mean `medium`?
""",
    ),
    # --- events of a scenario -------------------------------------------------------------------------
    scenario(
        "event-unknown-verb-did-you-mean",
        events("  - request: GET /", "  - logn: alice"),
        expect="""
s.yaml:5:5: error: unknown event `logn`
  hint: did you mean `login`?
""",
    ),
    scenario(
        "event-with-no-verb",
        events("  - as: phone"),
        expect="""
s.yaml:4:5: error: unknown event: it has no verb
  hint: an event is one of: request, login, logout, advance, tamper, steal, xss, clear_cookies, restart_server, close_browser, set_cookie, sign_out_everywhere, rotate_secret, document_cookie
""",
    ),
    scenario(
        "event-two-verbs-at-the-second",
        events("  - request: GET /", "    login: alice"),
        expect="""
s.yaml:5:5: error: an event has exactly one verb; `login` is a second one after `request`
  hint: write two events, one per list item
""",
    ),
    scenario(
        "event-modifier-of-another-verb",
        events("  - advance: 5m", "    password: hunter2"),
        expect="""
s.yaml:5:5: error: `password` does not apply to a `advance` event
  hint: `password` goes with: login
""",
    ),
    scenario(
        "event-bare-unknown-verb",
        events("  - logot"),
        expect="""
s.yaml:4:5: error: unknown event `logot`
  hint: did you mean `logout`?
""",
    ),
    scenario(
        "event-bare-verb-needs-an-argument",
        events("  - request"),
        expect="""
s.yaml:4:5: error: the `request` event needs an argument
  hint: write it as `- request: GET /dashboard`
""",
    ),
    scenario(
        "event-unknown-user",
        "events:\n  - request: GET /\n  - login: nobody\n",
        expect="""
s.yaml:3:12: error: unknown user 'nobody' (users: alice, bob)
""",
    ),
    scenario(
        "event-duplicate-mark-in-a-scenario",
        "events:\n  - request: GET /\n    mark: first\n  - login: alice\n    mark: first\n",
        expect="""
s.yaml:5:11: error: duplicate mark `first` (also event 1)
  hint: give each event its own mark
""",
    ),
    # --- the lesson against its trace -----------------------------------------------------------------
    lesson(
        "step-that-does-not-exist",
        ("  - step: 1\n", "  - step: 12\n"),
        expect="""
lesson.yaml:48:11: error: step 12 does not exist: the table has 4 steps
""",
    ),
    lesson(
        "step-of-a-moment",
        ("    steps: [1, 2]\n", "    steps: [1, 20]\n"),
        expect="""
lesson.yaml:55:16: error: step 20 does not exist: the table has 4 steps
""",
    ),
    lesson(
        "step-of-a-predict-question",
        ("    predict: 2\n", "    predict: 30\n"),
        expect="""
lesson.yaml:70:14: error: step 30 does not exist: the table has 4 steps
""",
    ),
    lesson(
        "step-of-a-trace-answer",
        ("    answer: {step: 1, field: phase}", "    answer: {step: 40, field: phase}"),
        expect="""
lesson.yaml:62:20: error: step 40 does not exist: the table has 4 steps
""",
    ),
    lesson(
        "single-answer-with-no-correct-choice",
        (
            "      - text: A new anonymous session is created.\n        correct: true\n",
            "      - text: A new anonymous session is created.\n",
        ),
        expect="""
lesson.yaml:72:7: error: no choice is marked correct
  hint: mark exactly one choice with `correct: true` (or set `multiple: true`)
""",
    ),
    lesson(
        "single-answer-with-two-correct-choices",
        ("      - text: The request is rejected.\n", "      - text: The request is rejected.\n        correct: true\n"),
        expect="""
lesson.yaml:75:9: error: a single-answer question has 2 correct choices
  hint: mark exactly one, or set `multiple: true`
""",
    ),
    lesson(
        "multiple-answer-with-no-correct-choice",
        (
            "      - text: It holds only the session ID.\n        correct: true\n",
            "      - text: It holds only the session ID.\n",
        ),
        ("      - text: It should be HttpOnly.\n        correct: true\n", "      - text: It should be HttpOnly.\n"),
        expect="""
lesson.yaml:80:7: error: a multiple-answer question needs at least one correct choice
  hint: mark the right choices with `correct: true`
""",
    ),
    lesson(
        "trace-answer-disagrees-with-the-trace",
        ("    answer: {step: 1, field: phase}", "    answer: {step: 2, field: phase}"),
        expect="""
lesson.yaml:62:13: error: no choice equals the trace value: `phase` at step 2 is `create_session`
  hint: add a choice with exactly that text and mark it correct
lesson.yaml:64:15: error: this choice is marked correct, but the trace says `phase` at step 2 is `create_session`
  hint: make this choice's text `create_session`
""",
    ),
    lesson(
        "trace-answer-hint-names-the-matching-choice",
        (
            "      - text: receive\n        correct: true\n      - text: validate\n",
            "      - text: receive\n      - text: validate\n        correct: true\n",
        ),
        expect="""
lesson.yaml:65:15: error: this choice is marked correct, but the trace says `phase` at step 1 is `receive`
  hint: choice 1 has that text: mark it correct instead
""",
    ),
    lesson(
        "scenario-unknown-route",
        ("    - request: GET /\n", "    - request: GET /nowhere\n"),
        expect="""
lesson.yaml:35:16: error: unknown route /nowhere (routes: GET /, GET /login, POST /login, POST /logout, GET /dashboard, GET /api/session, POST /transfer; another request needs `status:`)
""",
    ),
    lesson(
        "scenario-unknown-user-at-the-event",
        ("    - login: alice\n", "    - login: mallory\n"),
        expect="""
lesson.yaml:36:14: error: unknown user 'mallory' (users: alice, bob)
""",
    ),
    lesson(
        "phase-of-the-table",
        ("  phases: [receive, create_session, rotate_session]", "  phases: [receive, create_sesion, rotate_session]"),
        expect="""
lesson.yaml:43:21: error: unknown phase `create_sesion`
  hint: did you mean `create_session`?
""",
    ),
    lesson(
        "phase-of-a-flow-node",
        ("      phases: [receive, store_cookie]", "      phases: [recieve, store_cookie]"),
        expect="""
lesson.yaml:13:16: error: unknown phase `recieve`
  hint: did you mean `receive`?
""",
    ),
    lesson(
        "phase-of-a-code-mark",
        ("      read_cookie: [2, 3]", "      read_cookies: [2, 3]"),
        expect="""
lesson.yaml:30:7: error: unknown phase `read_cookies`
  hint: did you mean `read_cookie`?
""",
    ),
    lesson(
        "phase-of-a-narration",
        ("  - phase: create_session", "  - phase: create"),
        expect="""
lesson.yaml:50:12: error: unknown phase `create`
  hint: did you mean `create_session`?
""",
    ),
    lesson(
        "field-of-a-column-and-of-the-tracker",
        ("    - field: action\n", "    - field: acton\n"),
        ("  - variable: user\n", "  - variable: cookiestore\n"),
        expect="""
lesson.yaml:40:14: error: unknown column field `acton`: not a step field or a variable of this trace
  hint: did you mean `action`?
lesson.yaml:46:15: error: unknown variable `cookiestore`: not a step field or a variable of this trace
  hint: did you mean `cookieStore`?
""",
    ),
    lesson(
        "code-line-outside-the-source",
        ("      read_cookie: [2, 3]", "      read_cookie: [2, 9]"),
        expect="""
lesson.yaml:30:24: error: line 9 does not exist: the source has 5 lines
""",
    ),
    lesson(
        "flow-edge-to-an-unknown-node",
        ("    - {from: server, to: browser, label: response}", "    - {from: server, to: browsr, label: response}"),
        expect="""
lesson.yaml:19:26: error: no flow node has the id `browsr`
  hint: did you mean `browser`?
""",
    ),
    lesson(
        "question-id-twice",
        ("  - id: predict-create", "  - id: first-phase"),
        expect="""
lesson.yaml:67:9: error: duplicate question id `first-phase` (also question 1)
""",
    ),
    lesson(
        "table-phases-that-match-no-step",
        ("  phases: [receive, create_session, rotate_session]", "  phases: [xss]"),
        expect="""
lesson.yaml:43:11: error: no step of the trace has these phases: the table would be empty
""",
    ),
    lesson(
        "problems-sorted-by-position",
        ("  - step: 1\n", "  - step: 12\n"),
        ("    - field: action\n", "    - field: acton\n"),
        expect="""
lesson.yaml:40:14: error: unknown column field `acton`: not a step field or a variable of this trace
  hint: did you mean `action`?
lesson.yaml:48:11: error: step 12 does not exist: the table has 4 steps
""",
    ),
    # --- marks and step references --------------------------------------------------------------------
    marked(
        "mark-unknown-did-you-mean",
        ("    steps: [1, 2]\n", "    steps: [1, logn]\n"),
        expect="""
lesson.yaml:57:16: error: unknown mark `logn`
  hint: did you mean `login`?
""",
    ),
    marked(
        "mark-unknown-lists-the-marks",
        ("    predict: 2\n", "    predict: zzz\n"),
        expect="""
lesson.yaml:72:14: error: unknown mark `zzz`
  hint: marks in this scenario: visit, login
""",
    ),
    lesson(
        "mark-unknown-when-no-event-has-one",
        ("    answer: {step: 1, field: phase}", "    answer: {step: visit, field: phase}"),
        expect="""
lesson.yaml:62:20: error: unknown mark `visit`
  hint: no event has a mark yet: add `mark: visit` to the scenario event you mean
""",
    ),
    marked(
        "mark-phase-its-event-has-no-row-of",
        ("  - step: 1\n", "  - step: visit.rotate_session\n"),
        expect="""
lesson.yaml:50:11: error: mark `visit` names event 1 (`request: GET /`), which has no `rotate_session` row in the table
  hint: its rows: 1 receive, 2 create_session
""",
    ),
    marked(
        "mark-with-an-unknown-phase",
        ("  - step: 1\n", "  - step: login.rotate_sesion\n"),
        expect="""
lesson.yaml:50:11: error: unknown phase `rotate_sesion` in `login.rotate_sesion`
  hint: did you mean `rotate_session`?
""",
    ),
    marked(
        "mark-of-an-event-without-rows",
        (
            "    - login: alice\n      mark: login\n",
            "    - advance: 5m\n      mark: wait\n    - login: alice\n      mark: login\n",
        ),
        ("    steps: [1, 2]\n", "    steps: [1, wait]\n"),
        expect="""
lesson.yaml:59:16: error: mark `wait` names event 2 (`advance: 5m`), which has no row in the table
  hint: add one of its phases to `table.phases`, or refer to another event
""",
    ),
    marked(
        "mark-twice",
        ("      mark: login\n", "      mark: visit\n"),
        expect="""
lesson.yaml:38:13: error: duplicate mark `visit` (also event 1)
  hint: give each event its own mark
""",
    ),
    marked(
        "mark-must-be-a-name",
        ("      mark: login\n", "      mark: Log in\n"),
        expect="""
lesson.yaml:38:13: error: expected a mark: a lower-case letter, then lower-case letters, digits, _ or - (at most 40); found `Log in`
""",
    ),
    marked(
        "reference-neither-number-nor-mark",
        ("    steps: [1, 2]\n", "    steps: [1, login!]\n"),
        expect="""
lesson.yaml:57:16: error: expected a step number, or a mark such as `login` or `login.set_cookie`; found `login!`
""",
    ),
    marked(
        "at-a-number-that-left-its-event",
        ("  - step: 1\n", "  - step: 3\n    at: login\n"),
        ("    - login: alice\n", "    - request: GET /dashboard\n    - login: alice\n"),
        expect="""
lesson.yaml:51:11: error: step 3 is not a row of event 3 (`login: alice`), which `at: login` names: it is now a row of event 2 (`request: GET /dashboard`); the scenario changed since this was written
  hint: write `step: login` or `step: login.PHASE` so it follows the event; its rows now: 4 receive, 5 rotate_session
""",
    ),
    marked(
        "at-and-a-mark-step-disagree",
        ("  - step: 1\n", "  - step: visit\n    at: login\n"),
        expect="""
lesson.yaml:50:11: error: `visit` is not a row of event 2 (`login: alice`), which `at: login` names
  hint: make `at` and `step` name the same event
""",
    ),
    marked(
        "at-without-a-step",
        ("  - phase: create_session\n", "  - phase: create_session\n    at: visit\n"),
        expect="""
lesson.yaml:53:9: error: `at` names the event a `step` was written for, but this entry has no `step`
  hint: add `step: visit` (or a row number), or remove `at`
""",
    ),
    marked(
        "at-unknown-mark",
        ("  - step: 1\n", "  - step: 1\n    at: vist\n"),
        expect="""
lesson.yaml:51:9: error: unknown mark `vist`
  hint: did you mean `visit`?
""",
    ),
    marked(
        "end-without-an-end-row",
        ("    steps: [1, 2]\n", "    steps: [1, end]\n"),
        expect="""
lesson.yaml:57:16: error: `end` names the final `end` row, but the table has none
  hint: add `end` to `table.phases`
""",
    ),
    marked(
        "end-is-reserved-as-a-mark",
        ("      mark: login\n", "      mark: end\n"),
        expect="""
lesson.yaml:38:13: error: `end` is reserved: it names the final row of the table
  hint: choose another name
""",
    ),
]

# several servers side by side (`servers:` and an event's `server:`)
TWO_SERVERS = "servers:\n  jwt: {strategy: jwt, host: jwt.example}\n  db: {host: db.example}\nevents:\n"
CASES += [
    scenario(
        "server-missing-with-several",
        TWO_SERVERS + "  - login: alice\n",
        """
s.yaml:5:5: error: expected `server:` naming one of jwt, db (the scenario has 2 servers), found none
""",
    ),
    scenario(
        "server-unknown",
        TWO_SERVERS + "  - login: alice\n    server: web\n",
        """
s.yaml:6:13: error: expected one of the scenario's servers (jwt, db), found 'web'
""",
    ),
    scenario(
        "server-name-twice",
        "servers:\n  db: {host: a.example}\n  db: {host: b.example}\nevents: []\n",
        """
s.yaml:3:3: error: duplicate key `db` (first at line 2)
  hint: remove one of them
""",
    ),
    scenario(
        "server-host-twice",
        "servers:\n  a: {host: app.example}\n  b: {host: app.example}\nevents: []\n",
        """
s.yaml:3:13: error: expected a host of its own for server b, found 'app.example', the host of server a (the browser keeps cookies per host: give each server its own, e.g. b.example)
""",
    ),
    scenario(
        "server-on-a-clock-event",
        TWO_SERVERS + "  - advance: 1m\n    server: db\n",
        """
s.yaml:6:13: error: server applies to the events that go to a server (request, login, logout, tamper, steal, xss, restart_server, set_cookie, sign_out_everywhere, rotate_secret, document_cookie), not to advance
""",
    ),
    scenario(
        "server-without-servers",
        events("  - login: alice", "    server: db"),
        """
s.yaml:5:13: error: expected no `server:` (this scenario has one server, given by `engine:`), found 'db'
""",
    ),
]
CASES.append(
    scenario(
        "sign-out-everywhere-unknown-user-of-a-server",
        TWO_SERVERS + "  - sign_out_everywhere: carol\n    server: db\n",
        """
s.yaml:5:26: error: expected a user of servers.db.users (alice, bob), found 'carol'
""",
    )
)

# a code sample's `server:` (its lines are marked only on the steps of that server)
SERVERS_SCENARIO = (
    "  engine:\n    seed: 3\n  events:\n    - request: GET /\n    - login: alice\n",
    "  servers:\n    web: {host: web.example}\n    api: {host: api.example}\n  events:\n"
    "    - request: GET /\n      server: web\n    - login: alice\n      server: web\n",
)
CASES += [
    lesson(
        "code-server-without-servers",
        ("      read_cookie: [2, 3]\n", "      read_cookie: [2, 3]\n    server: web\n"),
        expect="""
lesson.yaml:31:13: error: expected no `server:` (this lesson's scenario has one server, given by `engine:`), found 'web'
""",
    ),
    lesson(
        "code-server-unknown",
        ("      read_cookie: [2, 3]\n", "      read_cookie: [2, 3]\n    server: wbe\n"),
        SERVERS_SCENARIO,
        expect="""
lesson.yaml:31:13: error: expected one of the scenario's servers (web, api), found 'wbe'
  hint: did you mean `web`?
""",
    ),
]

# --- a response written by hand for any request, and a script's document.cookie write (issue 20) --------
CASES += [
    scenario(
        "request-method-not-a-token",
        events("  - request: G(T /"),
        """
s.yaml:4:14: error: expected a request such as GET /dashboard or POST /login (a method, one space, a path from /); found `G(T /`
""",
    ),
    scenario(
        "request-path-not-origin-form",
        events("  - request: PUT items/3"),
        """
s.yaml:4:14: error: expected a request such as GET /dashboard or POST /login (a method, one space, a path from /); found `PUT items/3`
""",
    ),
    scenario(
        "request-another-method-needs-status",
        events("  - request: PUT /api/items/3"),
        """
s.yaml:4:14: error: unknown route /api/items/3 (routes: GET /, GET /login, POST /login, POST /logout, GET /dashboard, GET /api/session, POST /transfer; another request needs `status:`)
""",
    ),
    scenario(
        "status-out-of-range",
        events("  - request: PUT /api/items/3", "    status: 700"),
        """
s.yaml:5:13: error: must be at most 599; found 700
""",
    ),
    scenario(
        "status-below-range",
        events("  - set_cookie: a=1", "    status: 99"),
        """
s.yaml:5:13: error: must be at least 100; found 99
""",
    ),
    scenario(
        "status-not-a-number",
        events("  - request: PUT /api/items/3", "    status: ok"),
        """
s.yaml:5:13: error: expected a whole number or nothing (null), found text
""",
    ),
    scenario(
        "status-on-another-verb",
        events("  - advance: 5m", "    status: 200"),
        """
s.yaml:5:5: error: `status` does not apply to a `advance` event
  hint: `status` goes with: request, set_cookie
""",
    ),
    scenario(
        "answers-on-a-request",
        events("  - request: GET /", "    answers: POST /login"),
        """
s.yaml:5:5: error: `answers` does not apply to a `request` event
  hint: `answers` goes with: set_cookie
""",
    ),
    scenario(
        "answers-not-a-request-line",
        events("  - set_cookie: a=1", "    answers: /login"),
        """
s.yaml:5:14: error: expected a request such as GET /dashboard or POST /login (a method, one space, a path from /); found `/login`
""",
    ),
    scenario(
        "document-cookie-line-break",
        events('  - document_cookie: "a=1\\nb=2"'),
        """
s.yaml:4:22: error: not a document.cookie value: a line break: a header value is one line without CR, LF or NUL (RFC 9110 §5.5); give each header on its own
""",
    ),
    scenario(
        "document-cookie-empty-list",
        events("  - document_cookie: []"),
        """
s.yaml:4:22: error: expected at least 1 item, found 0
""",
    ),
    scenario(
        "document-cookie-item-not-a-value",
        events("  - document_cookie:", "      - a=1", "      - 'Set-Cookie: b=2'"),
        """
s.yaml:6:9: error: not a document.cookie value: it starts with 'Set-Cookie:': give only the header's value (NAME=VALUE; attributes)
""",
    ),
    scenario(
        "document-cookie-cross-site",
        events("  - document_cookie: a=1", "    cross_site: true"),
        """
s.yaml:5:5: error: `cross_site` does not apply to a `document_cookie` event
  hint: `cross_site` goes with: request, login, logout, set_cookie
""",
    ),
    scenario(
        "document-cookie-bare",
        events("  - document_cookie"),
        """
s.yaml:4:5: error: the `document_cookie` event needs an argument
  hint: write it as `- document_cookie: theme=dark`
""",
    ),
]
