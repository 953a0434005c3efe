"""Positioned errors for the revocation events and option (sign_out_everywhere, rotate_secret, token_version)."""

from __future__ import annotations

import pytest
from test_loader_helpers import write

from tutor.engine.scenario import RotateSecret
from tutor.lesson.loader import LoadError, load_scenario

CASES = [
    # (scenario text, (line, col), message)
    (
        "engine: {strategy: jwt, token_version: yes please}\nevents: []\n",
        (1, 40),
        "expected true or false, found text",
    ),
    (
        "engine: {token_version: true}\nevents:\n  - login: alice\n",
        (1, 25),
        "expected strategy: jwt with token_version (database sessions are revoked by deleting their rows), "
        "found strategy: database",
    ),
    (
        "events:\n  - sign_out_everywhere: carol\n",
        (2, 26),
        "expected a user of engine.users (alice, bob), found 'carol'",
    ),
    ("events:\n  - sign_out_everywhere: [alice]\n", (2, 26), "expected text, found a list"),
    ("events:\n  - rotate_secret: {keep_old: maybe}\n", (2, 31), "expected true or false, found text"),
    ("events:\n  - rotate_secret: {keep: true}\n", (2, 21), "unknown field `keep` in RotateSecret"),
]


@pytest.mark.parametrize(("text", "where", "message"), CASES)
def test_each_error_names_its_position_and_what_was_expected(tmp_path, text, where, message):
    with pytest.raises(LoadError) as info:
        load_scenario(write(tmp_path, text, "s.yaml"))
    found = [(p.line, p.col, p.message) for p in info.value.problems]
    assert found == [(*where, message)]


def test_as_does_not_apply_to_server_events(tmp_path):
    text = "events:\n  - login: alice\n  - sign_out_everywhere: alice\n    as: phone\n"
    with pytest.raises(LoadError) as info:
        load_scenario(write(tmp_path, text, "s.yaml"))
    [problem] = info.value.problems
    assert (problem.line, problem.message) == (4, "as applies to browser events, not to sign_out_everywhere")


def test_bare_and_mapping_forms_load(tmp_path):
    text = (
        "engine: {strategy: jwt, token_version: true}\nevents:\n  - login: alice\n  - rotate_secret\n"
        "  - rotate_secret: {keep_old: true}\n  - rotate_secret:\n    mark: third\n  - sign_out_everywhere: alice\n"
    )
    events = load_scenario(write(tmp_path, text, "s.yaml")).events
    assert events[1] == "rotate_secret"
    assert events[2].rotate_secret == RotateSecret(keep_old=True)
    assert events[3].rotate_secret is None and events[3].mark == "third"
    assert events[4].sign_out_everywhere == "alice"


def test_schema_documents_the_new_events_and_variables():
    import json

    from tutor.commands.schema import build_schema

    text = json.dumps(build_schema())
    for word in ("sign_out_everywhere", "rotate_secret", "keep_old", "token_version", "revoke_sessions"):
        assert word in text
    assert "token_versions" in text and '"secrets"' in text  # tracker variables completed from the engine


def test_a_playground_export_of_the_new_events_loads_back(tmp_path):
    from tutor.engine.scenario import EngineOptions, Event
    from tutor.ui.scenario_export import scenario_to_yaml

    events = [
        Event(login="alice"),
        Event(sign_out_everywhere="alice"),
        Event(rotate_secret=None),
        Event(rotate_secret=RotateSecret(keep_old=True)),
    ]
    text = scenario_to_yaml(EngineOptions(strategy="jwt", token_version=True), events)
    assert "- rotate_secret\n" in text  # the bare form
    loaded = load_scenario(write(tmp_path, text, "export.yaml"))
    assert loaded.engine.token_version is True
    assert [e if isinstance(e, str) else e.verb for e in loaded.events] == [
        "login",
        "sign_out_everywhere",
        "rotate_secret",
        "rotate_secret",
    ]
    assert loaded.events[3].rotate_secret == RotateSecret(keep_old=True)
