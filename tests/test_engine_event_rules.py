"""The rules an event carries (its verb, the browsers it touches, its modifiers' defaults) and the
engine-option check, tested at the engine: the challenges and the playground only ask these."""

from __future__ import annotations

import msgspec
import pytest

from tutor.engine import check_options, check_scenario
from tutor.engine.scenario import (
    BROWSER_VERBS,
    MODIFIER_DEFAULTS,
    VERB_MODIFIERS,
    VERBS,
    EngineOptions,
    Event,
    Scenario,
    Steal,
    Tamper,
    Xss,
)


def test_modifier_defaults_are_the_events_own_field_defaults():
    assert set(MODIFIER_DEFAULTS) == set(VERB_MODIFIERS)
    plain = Event(request="GET /")
    assert {m: getattr(plain, m) for m in VERB_MODIFIERS} == MODIFIER_DEFAULTS
    assert plain.modifiers() == {}
    assert Event(login="alice", remember=True, scheme="http").modifiers() == {"remember": True, "scheme": "http"}


@pytest.mark.parametrize(
    ("event", "verb", "acting", "touched"),
    [
        (Event(request="GET /", as_="phone"), "request", "phone", [("as", "phone")]),
        (Event(advance="5m"), "advance", None, []),
        (Event(restart_server=None), "restart_server", None, []),
        # a steal is not played by its `as` (the default browser): only the two jars count
        (
            Event(steal=Steal(from_="phone", to="thief")),
            "steal",
            None,
            [("steal.from", "phone"), ("steal.to", "thief")],
        ),
        (Event(xss=Xss(to="evil"), as_="phone"), "xss", "phone", [("as", "phone"), ("xss.to", "evil")]),
        (Event(tamper=Tamper(value="x")), "tamper", "browser", [("as", "browser")]),
        (Event(close_browser=None, as_="tab"), "close_browser", "tab", [("as", "tab")]),
    ],
)
def test_an_event_knows_its_verb_acting_browser_and_the_browsers_it_touches(event, verb, acting, touched):
    assert event.verb == verb
    assert event.acting == acting
    assert list(event.browsers()) == touched
    assert event.touches("browser") == ("browser" in [name for _, name in touched])


def test_browser_verbs_are_verbs_and_a_steal_is_not_one():
    assert BROWSER_VERBS < set(VERBS)
    assert "steal" not in BROWSER_VERBS and "advance" not in BROWSER_VERBS


def test_as_on_a_verb_no_browser_plays_is_a_problem_and_does_not_use_the_declared_browser():
    problems = check_scenario(
        Scenario(browsers={"phone": {"kind": "safari"}}, events=[Event(advance="1m", as_="phone")])
    )
    messages = [str(p) for p in problems]
    assert "event 1: as: as applies to browser events, not to advance" in messages
    assert "engine: browsers.phone: browser 'phone' is declared but no event uses it" in messages


REFUSED = [
    (dict(idle_timeout="0s"), "engine.idle_timeout"),
    (dict(absolute_timeout="0s"), "engine.absolute_timeout"),
    (dict(update_age="0s"), "engine.update_age"),
    (dict(cookie=msgspec.structs.replace(EngineOptions().cookie, max_age="0s")), "engine.cookie.max_age"),
    (
        dict(cookie=msgspec.structs.replace(EngineOptions().cookie, remember_max_age="0s")),
        "engine.cookie.remember_max_age",
    ),
    (dict(strategy="jwt", store="sqlite"), "engine.store"),
    (dict(host="app.example."), "engine.host"),
]


@pytest.mark.parametrize(("changes", "field"), REFUSED, ids=[f for _, f in REFUSED])
def test_check_options_refuses_what_the_types_allow_and_check_scenario_reports_it(changes, field):
    options = msgspec.structs.replace(EngineOptions(), **changes)
    found = check_options(options)
    assert [p.field for p in found] == [field]
    assert found[0].event is None
    assert check_scenario(Scenario(engine=options)) == found


def test_check_options_accepts_the_defaults():
    assert check_options(EngineOptions()) == []


def test_a_browsers_variables_are_named_and_read_back_in_one_place():
    from tutor.engine import Simulation
    from tutor.engine.trace import document_cookie_variable, jar_browser, jar_variable

    with Simulation(EngineOptions()) as sim:
        sim.play(Event(request="GET /", as_="phone"))
        names = list(sim.trace[-1].variables)
    assert jar_variable("phone") in names and document_cookie_variable("phone") in names
    assert sorted(b for b in map(jar_browser, names) if b is not None) == ["browser", "phone"]
    assert jar_browser("document.cookie.phone") is None


@pytest.mark.parametrize("value", [None, True, False, 0, 200, "200", "x", "", [1, "a"], {"k": None}])
def test_the_views_spelling_is_the_engines_with_the_empty_string_visible(value):
    from tutor.engine.goals import value_matches
    from tutor.engine.trace import spell
    from tutor.lesson.loader import format_value

    assert format_value(value) == ('""' if value == "" else spell(value))
    assert value_matches(value, value)
