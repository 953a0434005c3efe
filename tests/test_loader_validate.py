"""Section 2: the node tree walked against the msgspec types, every problem at its node."""

from __future__ import annotations

import pytest
from test_loader_helpers import TEXT, at, mutate, only, pos, problems, write

from tutor.engine.scenario import Event
from tutor.lesson.loader import LoadError, load_lesson, scenario_from_text


def test_duplicate_key_at_the_second_key(tmp_path):
    text = mutate("minutes: 3\n", "minutes: 3\nminutes: 4\n")
    p = only(problems(tmp_path, text))
    first_line = pos(text, "minutes: 3")[0]
    assert p.message == f"duplicate key `minutes` (first at line {first_line})"
    assert (p.line, p.col) == pos(text, "minutes: 4")


def test_duplicate_dict_key(tmp_path):
    text = mutate("      read_cookie: [2, 3]\n", "      read_cookie: [2, 3]\n      read_cookie: [1]\n")
    p = only(problems(tmp_path, text))
    assert p.message.startswith("duplicate key `read_cookie`")
    assert (p.line, p.col) == pos(text, "read_cookie: [1]")


def test_unknown_field_with_did_you_mean(tmp_path):
    text = mutate("summary: An", "sumary: An")
    found = problems(tmp_path, text)
    p = at(found, *pos(text, "sumary"))
    assert p.message == "unknown field `sumary` in Lesson"
    assert p.hint == "did you mean `summary`?"
    # and the now-missing field is reported at the mapping's start
    missing = at(found, 3, 1)
    assert missing.message == "missing field `summary` in Lesson"
    assert len(found) == 2


def test_unknown_field_without_a_close_match_lists_fields(tmp_path):
    text = mutate(
        "    - {from: browser, to: server, label: request}", "    - {from: browser, to: server, label: request, zzz: 1}"
    )
    p = only(problems(tmp_path, text))
    assert p.message == "unknown field `zzz` in FlowEdge"
    assert p.hint == "known fields: from, to, label"
    assert (p.line, p.col) == pos(text, "zzz")


def test_comma_in_flow_mapping_hint(tmp_path):
    text = mutate("label: request}", "label: request, then reply}")
    p = only(problems(tmp_path, text))
    assert p.message == "unknown field `then reply` in FlowEdge"
    assert "quote text that contains commas" in p.hint


def test_wrong_type(tmp_path):
    text = mutate("minutes: 3", "minutes: three")
    p = only(problems(tmp_path, text))
    assert p.message == "expected a whole number, found text"
    assert (p.line, p.col) == pos(text, "three")


def test_wrong_type_list_expected(tmp_path):
    text = mutate("tags: [sessions]", "tags: sessions")
    p = only(problems(tmp_path, text))
    assert p.message == "expected a list, found text"
    assert (p.line, p.col) == pos(text, "sessions")


def test_bool_is_not_an_int(tmp_path):
    text = mutate("minutes: 3", "minutes: true")
    p = only(problems(tmp_path, text))
    assert p.message == "expected a whole number, found the boolean true"


def test_int_bounds(tmp_path):
    text = mutate("minutes: 3", "minutes: 999")
    p = only(problems(tmp_path, text))
    assert p.message == "must be at most 240; found 999"
    assert (p.line, p.col) == pos(text, "999")


def test_missing_field_at_the_mapping(tmp_path):
    text = mutate("    - id: server\n      label: Server\n", "    - id: server\n")
    p = only(problems(tmp_path, text))
    assert p.message == "missing field `label` in FlowNode"
    assert (p.line, p.col) == pos(text, "id: server")


def test_yes_where_text_is_expected_has_a_quote_hint(tmp_path):
    text = mutate("      - text: validate\n", "      - text: Yes\n")
    p = only(problems(tmp_path, text))
    assert p.message == "`Yes` is read as a boolean (true/false) here, not as text"
    assert p.hint == 'quote it: "Yes"'
    assert (p.line, p.col) == pos(text, "Yes")


@pytest.mark.parametrize("word", ["yes", "No", "on", "off", "true", "FALSE"])
def test_yaml11_booleans_in_text(tmp_path, word):
    text = mutate("  - variable: user\n", f"  - variable: user\n    label: {word}\n")
    p = only(problems(tmp_path, text))
    assert p.hint == f'quote it: "{word}"'
    line, col = pos(text, f"label: {word}")
    assert (p.line, p.col) == (line, col + len("label: "))


def test_quoted_yes_is_text(tmp_path):
    text = mutate("  - variable: user\n", '  - variable: user\n    label: "yes"\n')
    assert load_lesson(write(tmp_path, text)).lesson.tracker[1].label == "yes"


def test_plain_number_where_text_is_expected_is_the_text_written(tmp_path):
    text = mutate("  - variable: user\n", "  - variable: user\n    label: 1.50\n")
    assert load_lesson(write(tmp_path, text)).lesson.tracker[1].label == "1.50"


def test_bool_field_rejects_yes_with_a_hint(tmp_path):
    text = mutate("        correct: true\n      - text: validate", "        correct: yes\n      - text: validate")
    p = only(problems(tmp_path, text))
    assert p.message == "expected true or false, found `yes`"
    assert p.hint == "write true"
    assert (p.line, p.col) == pos(text, "yes")


def test_literal_with_did_you_mean(tmp_path):
    text = mutate("level: beginner", "level: begginer")
    p = only(problems(tmp_path, text))
    assert p.message == "expected one of advanced, beginner, intermediate; found `begginer`"
    assert p.hint == "did you mean `beginner`?"
    assert (p.line, p.col) == pos(text, "begginer")


def test_pattern_with_a_friendly_message(tmp_path):
    text = mutate("    seed: 3\n", "    seed: 3\n    idle_timeout: 30 minutes\n")
    p = only(problems(tmp_path, text))
    assert p.message == "expected a duration such as 90s, 31m, 2h or 7d, or none; found `30 minutes`"
    assert (p.line, p.col) == pos(text, "30 minutes")


def test_advance_duration_message(tmp_path):
    text = mutate("    - login: alice\n", "    - login: alice\n    - advance: soon\n")
    p = only(problems(tmp_path, text))
    assert p.message == "expected a duration such as 90s, 31m, 2h or 7d; found `soon`"


def test_id_pattern(tmp_path):
    text = mutate("id: loader-fixture", "id: Loader_Fixture")
    p = only(problems(tmp_path, text))
    assert p.message.startswith("expected an id: lower-case letters, digits and dashes")
    assert (p.line, p.col) == (3, 5)


def test_min_length_text_and_list(tmp_path):
    text = mutate('transcript: "Narrator: the browser visits, then alice signs in."', 'transcript: ""')
    p = only(problems(tmp_path, text))
    assert p.message == "must not be empty"
    text = mutate("      - text: validate\n", "")
    p = only(problems(tmp_path, text))
    assert p.message == "expected at least 2 items, found 1"


def test_secret_min_length(tmp_path):
    text = mutate("    seed: 3\n", "    seed: 3\n    strategy: jwt\n    secret: short\n")
    p = only(problems(tmp_path, text))
    assert p.message == "must be at least 32 characters long (it has 5)"


def test_null_where_text_expected(tmp_path):
    text = mutate("snapshot: A visit, then a login that rotates the session ID.", "snapshot:")
    p = only(problems(tmp_path, text))
    assert p.message == "expected text, found nothing (null)"


def test_text_with_colon_hint(tmp_path):
    text = mutate("snapshot: A visit, then a login that rotates the session ID.", "snapshot:\n  note: a visit")
    p = only(problems(tmp_path, text))
    assert p.message == "expected text, found a mapping"
    assert "must be quoted" in p.hint


def test_int_keys_and_optional_fields(tmp_path):
    text = mutate("  - step: 1\n    text: The first", "  - step: 0x1\n    text: The first")
    assert load_lesson(write(tmp_path, text)).lesson.narration[0].step == 1


# --- events -------------------------------------------------------------------------------------------


def _scenario(events: str) -> str:
    return "engine:\n  seed: 1\nevents:\n" + events


def _scenario_problems(text: str) -> list:
    with pytest.raises(LoadError) as info:
        scenario_from_text(text, "s.yaml")
    return info.value.problems


def test_event_unknown_verb_did_you_mean_at_the_mapping():
    text = _scenario("  - request: GET /\n  - logn: alice\n")
    p = only(_scenario_problems(text))
    assert p.message == "unknown event `logn`"
    assert p.hint == "did you mean `login`?"
    assert (p.line, p.col) == pos(text, "logn")  # the mapping starts at its first key


def test_event_with_no_verb():
    text = _scenario("  - as: phone\n")
    p = only(_scenario_problems(text))
    assert p.message == "unknown event: it has no verb"
    assert (p.line, p.col) == pos(text, "as: phone")


def test_two_verbs_error_at_the_second():
    text = _scenario("  - request: GET /\n    login: alice\n")
    p = only(_scenario_problems(text))
    assert p.message == "an event has exactly one verb; `login` is a second one after `request`"
    assert (p.line, p.col) == pos(text, "login")


def test_modifier_with_the_wrong_verb():
    text = _scenario("  - advance: 5m\n    password: hunter2\n")
    p = only(_scenario_problems(text))
    assert p.message == "`password` does not apply to a `advance` event"
    assert p.hint == "`password` goes with: login"
    assert (p.line, p.col) == pos(text, "password")


def test_bare_string_events():
    assert scenario_from_text(_scenario("  - logout\n  - clear_cookies\n")).events == ["logout", "clear_cookies"]
    text = _scenario("  - logot\n")
    p = only(_scenario_problems(text))
    assert (p.message, p.hint) == ("unknown event `logot`", "did you mean `logout`?")
    text = _scenario("  - request\n")
    p = only(_scenario_problems(text))
    assert p.message == "the `request` event needs an argument"
    assert (p.line, p.col) == pos(text, "request")


def test_event_mapping_builds_events():
    scenario = scenario_from_text(
        _scenario("  - request: GET /dashboard\n    as: phone\n    cross_site: true\n  - logout:\n")
    )
    first, second = scenario.events
    assert isinstance(first, Event) and first.request == "GET /dashboard" and first.as_ == "phone" and first.cross_site
    assert second.logout is None


def test_tamper_claims_union():
    text = "engine: {strategy: jwt}\nevents:\n  - login: alice\n  - tamper: {claims: {sub: bob, admin: true, n: 3, x: null}}\n"
    scenario = scenario_from_text(text)
    assert scenario.events[1].tamper.claims == {"sub": "bob", "admin": True, "n": 3, "x": None}


def test_all_problems_are_reported(tmp_path):
    text = TEXT
    text = mutate("level: beginner", "level: expert", text)
    text = mutate("minutes: 3", "minutes: -1", text)
    text = mutate("summary: An", "sumary: An", text)
    text = mutate("    - request: GET /\n", "    - reqest: GET /\n", text)
    text = mutate("        correct: true\n      - text: validate", "        correct: yes\n      - text: validate", text)
    text = mutate("    difficulty: medium", "    difficulty: medum", text)
    found = problems(tmp_path, text)
    assert [(p.line, p.col) for p in found] == sorted((p.line, p.col) for p in found)
    expected = {
        (3, 1): "missing field `summary` in Lesson",
        pos(text, "sumary"): "unknown field `sumary` in Lesson",
        pos(text, "expert"): "expected one of advanced, beginner, intermediate; found `expert`",
        pos(text, "-1"): "must be at least 1; found -1",
        pos(text, "reqest"): "unknown event `reqest`",
        pos(text, "yes"): "expected true or false, found `yes`",
        pos(text, "medum"): "expected one of easy, hard, medium; found `medum`",
    }
    assert {(p.line, p.col): p.message for p in found} == expected
