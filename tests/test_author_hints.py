"""Errors an author meets name what was expected and what was found (issue 19 §3): the layouts of a
bare event with a field under it, and a challenge goal that is not reached."""

from __future__ import annotations

import pytest
from test_loader_helpers import write

from tutor.lesson.loader import LoadError, load_scenario


def _only(tmp_path, text: str):
    with pytest.raises(LoadError) as info:
        load_scenario(write(tmp_path, text, "scenario.yaml"))
    (problem,) = info.value.problems
    return problem


def test_a_bare_event_with_an_indented_mark(tmp_path):
    p = _only(tmp_path, "events:\n  - request: GET /\n  - restart_server\n    mark: restarted\n")
    assert (p.line, p.col) == (4, 5)
    assert p.message == (
        "invalid YAML: expected a new `- ` item or a key of a mapping, found `mark:` indented "
        "under `- restart_server` (line 3); with no colon after `restart_server`, YAML reads "
        "this line as more of its text"
    )
    assert p.hint == (
        "to give `restart_server` a `mark`, write `- restart_server:` (with a colon) and put "
        "`mark:` on the next line aligned with `restart_server`"
    )


def test_a_bare_event_with_a_mark_at_the_lists_indentation(tmp_path):
    p = _only(tmp_path, "events:\n  - request: GET /\n  - restart_server\n  mark: restarted\n")
    assert (p.line, p.col) == (4, 3)
    assert p.message == "invalid YAML: expected a new `- ` item at this indentation, found `mark:`"
    assert p.hint.startswith("to give the item `- restart_server` a `mark`, write `- restart_server:`")


def test_a_verb_with_the_events_fields_indented_under_it(tmp_path):
    p = _only(tmp_path, "events:\n  - request: GET /\n  - restart_server:\n      mark: restarted\n      note: hi\n")
    assert (p.line, p.col) == (4, 7)
    assert p.message == (
        "expected nothing after `restart_server:` (it takes no value), found a mapping of "
        "`mark`, `note`, fields of the event itself"
    )
    assert p.hint == "align `mark:` with `restart_server` (one level less indented) to make it a field of the event"
    # the right layout loads
    scenario = load_scenario(write(tmp_path, "events:\n  - restart_server:\n    mark: restarted\n", "ok.yaml"))
    assert scenario.events[0].mark == "restarted"


def test_a_key_indented_under_a_plain_value(tmp_path):
    p = _only(tmp_path, "events:\n  - request: GET /\n    note: the first visit\n      mark: visit\n")
    assert (p.line, p.col) == (4, 7)
    assert p.message == (
        "invalid YAML: expected a key aligned with `note:` (line 3) or a new `- ` item, found "
        "`mark:` indented deeper, which YAML reads as more of `note`'s text"
    )
    assert p.hint.startswith("align `mark:` with `note:`")


def test_a_value_with_a_colon_keeps_the_quoting_hint(tmp_path):
    p = _only(tmp_path, "events:\n  - request: GET /\n    note: a: b\n")
    assert p.message == "invalid YAML: mapping values are not allowed in this context"
    assert p.hint == "a value that contains ': ' must be quoted, e.g. text: \"a: b\""
