"""Pilot tests of PlaygroundView and tests of the pure scenario export."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest
import yaml
from quiz_host import PlaygroundHost, active_keys, sync
from textual import events
from ui_support import make_app, screen_lines, widget_text

from tutor.engine import Simulation, run_scenario
from tutor.engine.clock import format_clock
from tutor.engine.scenario import EngineOptions, Event, Steal, Tamper, Xss, event_verb
from tutor.lesson.loader import load_scenario
from tutor.ui.modals.dialogs import ConfirmScreen, ValueScreen
from tutor.ui.scenario_export import event_to_builtins, next_export_path, options_to_builtins, scenario_to_yaml
from tutor.ui.screens.help import describe_bindings
from tutor.ui.widgets.playground_keys import KEY_GROUPS, MORE_KEYS, SERVER_KEY


@pytest.fixture(autouse=True)
def _tutor_home(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # exports land here


def view(app):
    return app.query_one("#playground")


def verbs(app) -> list[str]:
    return [event_verb(e) for e in view(app).events]


def status(app) -> str:
    return str(app.query_one("#pg-status").render())


def press_at_once(app, *keys: str) -> None:
    """Queue key presses back to back, as a fast typist does (Pilot.press lets the app go idle between
    keys, which would hide a change that is applied only by a later message)."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


# -- scenario_export (pure) ---------------------------------------------------------------------------


def test_export_leaves_out_defaults_and_writes_bare_verbs():
    options = EngineOptions(strategy="jwt", cookie=msgspec.structs.replace(EngineOptions().cookie, http_only=False))
    events = [
        Event(request="GET /"),
        Event(login="alice", password="nope", as_="phone", cross_site=True, scheme="http"),
        Event(logout=None),
        Event(clear_cookies=None, as_="phone"),
        Event(advance="31m"),
        Event(steal=Steal(from_="phone", to="attacker")),
        Event(tamper=Tamper(value="x")),
        Event(xss=Xss(to="eve")),
    ]
    data = yaml.safe_load(scenario_to_yaml(options, events))
    assert data["engine"] == {"strategy": "jwt", "cookie": {"http_only": False}}
    assert data["events"] == [
        {"request": "GET /"},
        {"login": "alice", "as": "phone", "cross_site": True, "scheme": "http", "password": "nope"},
        "logout",
        {"clear_cookies": None, "as": "phone"},
        {"advance": "31m"},
        {"steal": {"from": "phone"}},
        {"tamper": {"value": "x"}},
        {"xss": {"to": "eve"}},
    ]
    assert options_to_builtins(EngineOptions()) == {}
    assert event_to_builtins("restart_server") == "restart_server"


def test_export_output_loads_and_replays_to_the_same_trace(tmp_path):
    options = EngineOptions(strategy="database", rotate_on_login=False, idle_timeout="10m", seed=5)
    events = [
        Event(request="GET /"),
        Event(login="bob"),
        Event(steal=Steal()),
        Event(request="GET /dashboard", as_="attacker"),
        Event(advance="11m"),
        Event(request="GET /api/session"),
        Event(logout=None),
        Event(restart_server=None),
    ]
    sim = Simulation(options)
    for e in events:
        sim.play(e)
    played = [s.to_json() for s in sim.trace]
    sim.close()
    path = tmp_path / "s.yaml"
    path.write_text(scenario_to_yaml(options, events))
    scenario = load_scenario(path)
    assert scenario.engine == options
    replayed = run_scenario(scenario).to_json()
    assert replayed[: len(played)] == played
    assert [s["phase"] for s in replayed[len(played) :]] == ["end"]


def test_next_export_path_never_reuses_a_name(tmp_path):
    assert next_export_path(tmp_path).name == "playground-1.yaml"
    (tmp_path / "playground-1.yaml").write_text("x")
    (tmp_path / "playground-2.yaml").write_text("x")
    assert next_export_path(tmp_path).name == "playground-3.yaml"


# -- the view -----------------------------------------------------------------------------------------


@sync
async def test_starts_empty_with_the_default_options():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)):
        v = view(app)
        assert v.events == [] and v.steps == []
        assert app.query_one("#pg-table").row_count == 0
        assert "database · memory store" in str(app.query_one("#pg-options").render())
        assert "clock +0s · 0 events, 0 steps" in status(app)
        assert "e" not in active_keys(app)  # nothing to export yet


@sync
async def test_request_keys_play_requests_and_the_table_grows():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("g")
        assert [e.request for e in v.events] == ["GET /"]
        first = len(v.steps)
        assert first > 0 and app.query_one("#pg-table").row_count == first
        assert app.query_one(".pg-tracker").upto == first
        await pilot.press("d", "a", "t")
        assert [e.request for e in v.events] == ["GET /", "GET /dashboard", "GET /api/session", "POST /transfer"]
        assert app.query_one("#pg-table").row_count == len(v.steps) > first
        assert f"4 events, {len(v.steps)} steps" in status(app)
        assert app.query_one("#pg-table").upto == len(v.steps)


@sync
async def test_login_right_and_wrong_password_and_logout():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("w")
        assert v.events[-1].login == "alice" and v.events[-1].password is not None
        assert v.steps[-1].user is None
        await pilot.press("u", "l")  # next user: bob, right password
        assert v.events[-1].login == "bob" and v.events[-1].password is None
        assert any(s.user == "bob" for s in v.steps)
        await pilot.press("o")
        assert verbs(app)[-1] == "logout"


@sync
async def test_clock_keys_and_the_duration_prompt():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("1", "2", "3", "4", "5")
        assert [e.advance for e in v.events] == ["1m", "10m", "31m", "1h", "1d"]
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press(*"90x", "enter")  # invalid: the prompt stays with an error
        await pilot.pause()
        assert "invalid duration" in str(app.screen.query_one("#pg-prompt-error").render())
        await pilot.press("backspace", "s", "enter")
        await pilot.pause()
        assert v.events[-1].advance == "90s"
        assert "clock +1d1h43m30s" in status(app)
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: nothing played
        await pilot.pause()
        assert len(v.events) == 6


@sync
async def test_the_set_cookie_key_asks_for_a_header_and_plays_it():
    app = PlaygroundHost()
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press(*"Set-Cookie: a=1", "enter")  # not a header value: the prompt stays with an error
        await pilot.pause()
        assert "it starts with 'Set-Cookie:'" in str(app.screen.query_one("#pg-prompt-error").render())
        app.screen.query_one("#pg-prompt-input").value = "theme=dark; Expires=Wed, 31 Dec 2026"
        await pilot.press("enter")
        await pilot.pause()
        assert v.events[-1].set_cookie == "theme=dark; Expires=Wed, 31 Dec 2026"
        store = v.steps[-1]
        assert store.phase == "store_cookie"
        assert store.result == "theme stored [Expires=Wed, 31 Dec 2026 is not a cookie-date: attribute ignored]"
        assert store.variables["jar.browser"] == ["theme=dark; Path=/; Session"]
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: nothing played
        await pilot.pause()
        assert len(v.events) == 1


@sync
async def test_cross_site_and_http_modifiers():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("s", "h")
        assert "http · cross-site" in str(app.query_one("#pg-request-mode").render())
        await pilot.press("t")
        e = v.events[-1]
        assert (e.request, e.cross_site, e.scheme) == ("POST /transfer", True, "http")
        await pilot.press("s", "h", "g")
        assert (v.events[-1].cross_site, v.events[-1].scheme) == (False, "https")


@sync
async def test_attacks_steal_xss_tamper_clear_restart():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        v.action_request("GET /")
        v.action_login(True)
        await pilot.press("c")
        await pilot.pause()
        assert v.events[-1].steal == Steal(from_="browser", to="attacker")
        assert "attacker" in v.browsers  # the new browser joins the Select and the tracker
        tracked = [t.variable for t in app.query_one(".pg-tracker").variables]
        assert "jar.attacker" in tracked and "document.cookie.attacker" in tracked
        await pilot.press("x")
        assert v.events[-1].xss == Xss(to="attacker") and v.events[-1].as_ == "browser"
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter")  # accept the suggested forged value
        await pilot.pause()
        assert v.events[-1].tamper == Tamper(value="forged-session-id")
        await pilot.press("k", "R")
        assert verbs(app)[-2:] == ["clear_cookies", "restart_server"]
        assert v.steps[-1].phase == "restart_server"


@sync
async def test_acting_as_another_browser_and_adding_one():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        assert "b" not in active_keys(app)  # only one browser so far
        await pilot.press("B")
        await pilot.pause()
        await pilot.press(*"9bad", "enter")
        await pilot.pause()
        assert "starts with a letter" in str(app.screen.query_one("#pg-prompt-error").render())
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press(*"phone", "enter")
        await pilot.pause()
        assert v.browsers == ["browser", "phone"] and v.browser == "phone"
        await pilot.press("g")
        assert v.events[-1].as_ == "phone"
        assert v.steps[-1].actor == "phone"
        await pilot.press("b")
        assert v.browser == "browser"
        assert app.query_one("#pg-browser").value == "browser"


@sync
async def test_changing_an_option_resets_the_simulation():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        v.action_request("GET /")
        v.action_login(True)
        await pilot.press("j")  # database -> jwt: asks first
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert v.options.strategy == "jwt"
        assert v.events == [] and v.steps == [] and app.query_one("#pg-table").row_count == 0
        assert "new run with jwt" in status(app)
        assert "jwt" in str(app.query_one("#pg-options").render())
        assert "token" in [t.variable for t in app.query_one(".pg-tracker").variables]
        v.action_request("GET /")
        v.action_login(True)
        assert v.steps[-1].variables.get("token")


@sync
async def test_options_dialog_applies_every_option():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("g")
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#opt-store").value = "sqlite"
        dialog.query_one("#opt-rotate_on_login").value = "no"
        dialog.query_one("#opt-same_site").value = "strict"
        dialog.query_one("#opt-secure").value = "no"
        idle = dialog.query_one("#opt-idle_timeout")
        idle.value = "soon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "idle_timeout" in str(dialog.query_one("#pg-options-error").render())
        idle.value = "5m"
        dialog.query_one("#opt-max_age").value = "1h"
        dialog.query_one("#opt-remember_max_age").value = "none"  # not allowed: remember me must persist
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "remember_max_age" in str(dialog.query_one("#pg-options-error").render())
        dialog.query_one("#opt-remember_max_age").value = "7d"
        await pilot.press("ctrl+s")
        await pilot.pause()
        o = v.options
        assert (o.store, o.rotate_on_login, o.idle_timeout) == ("sqlite", False, "5m")
        assert (o.cookie.same_site, o.cookie.secure, o.cookie.max_age) == ("strict", False, "1h")
        assert o.cookie.remember_max_age == "7d"
        assert v.events == []
        assert "SameSite=Strict" in str(app.query_one("#pg-options").render())
        await pilot.press("g")
        assert "SameSite=Strict" in v.steps[-1].variables.get("set_cookie", "") or any(
            "SameSite=Strict" in s.result for s in v.steps
        )


@sync
async def test_export_writes_a_loadable_scenario_that_replays(tmp_path):
    app = PlaygroundHost(options=EngineOptions(seed=9), export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        for action in ("GET /", "POST /login", "cross", "POST /transfer", "cross", "31m", "GET /dashboard"):
            if action == "cross":
                v.action_toggle_cross_site()
            elif action == "POST /login":
                v.action_login(True)
            elif action == "31m":
                v.action_advance("31m")
            else:
                v.action_request(action)
        v.action_steal()
        v.action_clear_cookies()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        first = tmp_path / "playground-1.yaml"
        assert first.exists()
        assert "exported playground-1.yaml" in status(app)
        played = [s.to_json() for s in v.steps]
        await pilot.press("e")
        await pilot.pause()
        assert (tmp_path / "playground-2.yaml").exists()  # never overwrites
    scenario = load_scenario(first)
    assert scenario.engine.seed == 9
    replayed = run_scenario(scenario).to_json()
    assert replayed[:-1] == played and replayed[-1]["phase"] == "end"


@sync
async def test_export_defaults_to_the_current_directory(tmp_path):
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", "e")
        await pilot.pause()
    assert (tmp_path / "playground-1.yaml").exists()


@sync
async def test_reset_clears_everything_but_keeps_the_options():
    app = PlaygroundHost(options=EngineOptions(strategy="jwt"))
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        v.action_request("GET /")
        v.action_login(True)
        v.action_steal()
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and v.events  # asked first: nothing changed yet
        await pilot.press("enter")  # the first answer: yes, restart
        await pilot.pause()
        assert v.events == [] and v.steps == [] and v.browsers == ["browser"]
        assert app.query_one("#pg-table").row_count == 0
        assert v.options.strategy == "jwt"
        assert "new run" in status(app)
        await pilot.press("g")
        assert v.steps[0].step == 1  # numbering starts again


@sync
async def test_same_keys_give_the_same_steps():
    async def run() -> list[dict]:
        app = PlaygroundHost()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("g", "l", "3", "c")
            await pilot.pause()
            assert verbs(app) == ["request", "login", "advance", "steal"]  # every key played its event
            return [s.to_json() for s in view(app).steps]

    first = await run()
    # the same steps as the engine gives those events, and again on a second run (seeded IDs, virtual clock)
    events = [Event(request="GET /"), Event(login="alice"), Event(advance="31m"), Event(steal=Steal())]
    with Simulation(EngineOptions()) as sim:
        for event in events:
            sim.play(event)
        expected = [s.to_json() for s in sim.trace]
    assert first == expected
    assert await run() == first


#: Options the types accept but the engine's check_options refuses: the dialog must refuse each, as the
#: scenario loader (`tutor simulate FILE`, and `tutor check` for a lesson's `scenario:`) refuses a file with it.
#: Each: the dialog's fields (as the dialog holds them), the option its error names, and fields both accept.
REFUSED_OPTIONS = [
    ({"idle_timeout": "0s"}, "idle_timeout", {"idle_timeout": "2m"}),
    ({"absolute_timeout": "0s"}, "absolute_timeout", {"absolute_timeout": "2m"}),
    ({"update_age": "0s"}, "update_age", {"update_age": "2m"}),
    ({"max_age": "0s"}, "cookie max_age", {"max_age": "2m"}),
    ({"remember_max_age": "0s"}, "cookie remember_max_age", {"remember_max_age": "2m"}),
    ({"strategy": "jwt", "store": "sqlite"}, "store", {"strategy": "jwt", "store": "memory"}),
    # revocation.check_options: a token version is the jwt strategy's (database rows are simply deleted)
    ({"token_version": "yes"}, "token_version", {"token_version": "yes", "strategy": "jwt"}),
]


def _option_value(value: str) -> str | bool:
    """A yes/no field's value as the options struct holds it."""
    return {"yes": True, "no": False}.get(value, value)


@pytest.mark.parametrize(("fields", "named", "accepted"), REFUSED_OPTIONS, ids=[n for _, n, _ in REFUSED_OPTIONS])
@sync
async def test_options_dialog_refuses_what_the_scenario_loader_refuses(fields, named, accepted, tmp_path, capsys):
    from tutor.cli import main

    app = PlaygroundHost(export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        for name, value in fields.items():
            dialog.query_one(f"#opt-{name}").value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # refused: the dialog stays open
        error = str(dialog.query_one("#pg-options-error").render())
        assert error.startswith(f"{named}: "), error
        # the same options written as a scenario file: the loader refuses it too
        with pytest.raises(ValueError):
            dialog.collect()
        cookie_fields = {k: val for k, val in fields.items() if k in ("max_age", "remember_max_age")}
        engine_fields = {k: _option_value(val) for k, val in fields.items() if k not in cookie_fields}
        refused = msgspec.structs.replace(
            v.options, **engine_fields, cookie=msgspec.structs.replace(v.options.cookie, **cookie_fields)
        )
        bad = tmp_path / "refused.yaml"
        bad.write_text(scenario_to_yaml(refused, [Event(request="GET /")]), encoding="utf-8")
        # a value both accept: applied, played, exported, and tutor check passes the file
        for name, value in accepted.items():
            dialog.query_one(f"#opt-{name}").value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not dialog
        await pilot.press("g", "e")
        await pilot.pause()
        assert v.exported is not None
    # (the CLI runs after the app has given back stdout and stderr)
    capsys.readouterr()
    assert main(["simulate", str(bad)]) == 1
    said = capsys.readouterr()
    assert re.search(r"refused\.yaml:\d+:\d+: error: ", said.err) and named.split()[-1] in said.err, said
    assert main(["simulate", str(v.exported)]) == 0, capsys.readouterr()


@sync
async def test_survives_resizing():
    app = PlaygroundHost()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "l")
        await pilot.resize_terminal(60, 16)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.press("d")
        assert len(view(app).events) == 3


@sync
async def test_odd_options_user_names_are_literal_and_no_users_is_handled():
    app = PlaygroundHost(options=EngineOptions(users={"[b]eve[/b]": "pw"}))
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("g", "l")
        assert v.events[-1].login == "[b]eve[/b]"
        assert any(s.user == "[b]eve[/b]" for s in v.steps)
    app = PlaygroundHost(options=EngineOptions(users={}))
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        assert "l" not in active_keys(app) and "w" not in active_keys(app)
        await pilot.press("l", "g")
        assert [event_verb(e) for e in v.events] == ["request"]


# -- issue 11: keys applied at once, restarts asked first, the old run kept ------------------------------


@sync
async def test_b_then_d_at_once_sends_as_the_new_browser():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        v.action_steal()  # an attacker browser now exists
        await pilot.pause()
        press_at_once(app, "b", "d")  # no pause between the keys
        await pilot.pause()
        assert v.browser == "attacker" and app.query_one("#pg-browser").value == "attacker"
        assert v.events[-1].request == "GET /dashboard"
        assert v.events[-1].as_ == "attacker"  # before: "browser", while the selector said attacker
        assert v.steps[-1].actor == "attacker"


@sync
async def test_u_then_l_at_once_logs_in_as_the_new_user():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        press_at_once(app, "u", "l")
        await pilot.pause()
        assert v.user == "bob" and app.query_one("#pg-user").value == "bob"
        assert v.events[-1].login == "bob"


@sync
async def test_switching_strategy_asks_first_and_no_keeps_the_run():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("g", "l", "j")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "database to jwt" in str(dialog.query_one("#confirm-question").render())
        assert "2 events" in str(dialog.query_one("#confirm-detail").render())
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is not dialog
        assert v.options.strategy == "database" and len(v.events) == 2
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("escape")  # Escape is "no" too
        await pilot.pause()
        assert v.options.strategy == "database" and len(v.events) == 2


@sync
async def test_switching_with_nothing_played_does_not_ask():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert view(app).options.strategy == "jwt"


@sync
async def test_the_run_before_a_restart_can_still_be_exported(tmp_path):
    app = PlaygroundHost(export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("g", "l", "d")
        old_steps = [s.to_json() for s in v.steps]
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert v.events == [] and v.previous_run is not None
        line = status(app)
        assert "new run with jwt" in line and "e still exports the previous run (3 events, database)" in line
        assert len(line) <= 78  # the whole notice fits on the status line at 80 columns
        assert not any("restart" in n.message for n in app._notifications)  # no pop-up for it
        assert "e" in active_keys(app)  # nothing played in this run, yet export is offered
        await pilot.press("e")  # only the previous run exists: exported at once
        await pilot.pause()
        first = tmp_path / "playground-1.yaml"
        assert first.exists()
        await pilot.press("g", "e")  # now both runs exist: exporting asks which
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("p")
        await pilot.pause()
        second = tmp_path / "playground-2.yaml"
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        third = tmp_path / "playground-3.yaml"
    for path in (first, second):
        scenario = load_scenario(path)
        assert scenario.engine.strategy == "database"
        assert run_scenario(scenario).to_json()[:-1] == old_steps
    current = load_scenario(third)
    assert current.engine.strategy == "jwt" and [e.request for e in current.events] == ["GET /"]


@sync
async def test_export_then_restart_from_the_question(tmp_path):
    app = PlaygroundHost(export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("g", "l", "j")
        await pilot.pause()
        await pilot.press("e")  # "Export this run first, then restart"
        await pilot.pause()
        assert v.options.strategy == "jwt" and v.events == []
        scenario = load_scenario(tmp_path / "playground-1.yaml")
        assert [event_verb(e) for e in scenario.events] == ["request", "login"]


@sync
async def test_options_dialog_says_the_run_restarts_and_keeps_it():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        await pilot.press("g", "O")
        await pilot.pause()
        title = str(app.screen.query_one(".pg-dialog-title").render())
        assert "restarts the run" in title and "1 event played leaves the table" in title
        app.screen.query_one("#opt-secure").value = "no"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert v.events == [] and v.previous_run is not None and len(v.previous_run.events) == 1


# -- issue 11: the help names each key rightly; README agrees ------------------------------------------


@sync
async def test_help_names_each_clock_key_by_itself():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)):
        rows = dict(describe_bindings(app, app.screen))
        assert "1-5" not in rows  # was: "1-5  +31m", a label for key 3 alone
        assert rows["1"] == "Advance the clock 1 minute"
        assert rows["3"].startswith("Advance the clock 31 minutes")
        assert rows["5"] == "Advance the clock 1 day"
        listed = 0
        for group in KEY_GROUPS:
            for key in group.keys:
                if key.shown in rows:  # the help lists the keys that work now (b needs a second browser)
                    assert rows[key.shown] == key.description
                    listed += 1
        assert listed >= 25


def test_readme_playground_keys_agree_with_the_bindings():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| playground |"))
    written = set(re.findall(r"`([^`]+)`", row))
    bound = {("ctrl+r" if key.shown == "^r" else key.shown) for group in KEY_GROUPS for key in group.keys}
    bound |= {MORE_KEYS, SERVER_KEY.shown}  # (v: shown only with several servers)
    assert bound <= written, sorted(bound - written)
    assert written <= bound, sorted(written - bound)


# -- issue 8: every key on screen, the newest step and state in view, nothing cut ---------------------


def panel_text(app) -> str:
    return widget_text(app.query_one("#pg-keys"))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)])
@sync
async def test_every_key_is_on_screen_in_the_key_panel(size):
    app = PlaygroundHost()
    async with app.run_test(size=size) as pilot:
        panel = app.query_one("#pg-keys")
        seen = panel_text(app)
        for _ in range(panel.page_count - 1):
            assert f"{MORE_KEYS}: more keys" in panel.border_title
            await pilot.press(MORE_KEYS)
            await pilot.pause()
            seen += "\n" + panel_text(app)
        for group in KEY_GROUPS:
            assert group.title in seen
            for key in group.keys:
                assert f"{key.shown} {key.label}" in seen, (size, key)
        if size[1] >= 40:
            assert panel.page_count == 1  # a 40-line terminal shows every key at once
        assert "POST /trans" not in screen_lines(app)[-1]  # the Footer no longer tries (and fails) to hold them


def play_twenty(v) -> None:
    """Twenty events; the last moves the clock, so its value appears only in the newest state."""
    v.action_request("GET /")
    v.action_login(True)
    v.action_request("GET /dashboard")
    v.action_advance("31m")
    v.action_request("GET /dashboard")
    v.action_steal()
    v.choose_browser("attacker")
    v.action_request("GET /dashboard")
    v.action_login(True)
    v.action_request("GET /api/session")
    v.action_advance("1h")
    v.action_request("GET /")
    v.action_xss()
    v.action_request("POST /transfer")
    v.action_login(False)
    v.action_request("GET /api/session")
    v.action_clear_cookies()
    v.action_request("GET /")
    v.action_logout()
    v.action_restart_server()
    v.action_advance("1d")


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)])
@sync
async def test_the_playground_fits_the_lesson_screen_and_shows_the_newest_step(size):
    app = make_app(mode="play")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        v = app.screen.query_one("#playground")
        play_twenty(v)
        await pilot.pause()
        await pilot.pause()
        assert len(v.events) == 20
        width, height = size
        for widget in [v, *v.query("*")]:
            if widget.display and widget.region.area:
                assert widget.region.right <= width and widget.region.bottom <= height, (widget, widget.region)
        last = v.steps[-1]
        table = widget_text(app.screen.query_one("#pg-table"))
        assert re.search(rf"^\W*{last.step} ", table, re.M), table  # the newest row is in view (▶ may mark it)
        assert last.result in table
        tracker = widget_text(v.tracker)
        clock = last.variables["clock"]
        clock = clock if isinstance(clock, str) else format_clock(clock)
        assert clock.startswith("+1d") and clock in tracker, tracker  # the newest state is in view
        for name in ("clock", "status", "jar.browser", "document.cookie (attacker)"):
            assert name in tracker  # every tracked row is visible, none scrolled away
        assert "Help" in screen_lines(app)[-1]


@sync
async def test_enter_on_a_table_row_shows_its_full_values():
    app = PlaygroundHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        app.query_one("#pg-table").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ValueScreen)
        assert app.screen.step == view(app).steps[-1]


# -- issue 9 in the playground: remember me, close_browser, browser kinds -----------------------------


@sync
async def test_remember_me_survives_closing_the_browser_and_exports(tmp_path):
    app = PlaygroundHost(export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        await pilot.press("l", "C", "d")  # unticked: the session cookie goes with the browser
        assert v.events[0].remember is False and event_verb(v.events[1]) == "close_browser"
        assert v.steps[-1].variables["status"] == 307
        await pilot.press("L", "C", "d")  # ticked: a persistent cookie stays
        assert v.events[3].remember is True
        assert "Max-Age=" in next(s.result for s in v.steps[len(v.steps) - 20 :] if s.phase == "set_cookie")
        assert v.steps[-1].variables["status"] == 200
        played = [s.to_json() for s in v.steps]
        await pilot.press("e")
        await pilot.pause()
    data = yaml.safe_load((tmp_path / "playground-1.yaml").read_text())
    assert data["events"][3] == {"login": "alice", "remember": True}
    assert data["events"][1] == "close_browser"
    assert run_scenario(load_scenario(tmp_path / "playground-1.yaml")).to_json()[:-1] == played


UNSET_SAME_SITE = EngineOptions(cookie=msgspec.structs.replace(EngineOptions().cookie, same_site="unset"))


@sync
async def test_kind_key_cycles_the_current_browsers_kind():
    app = PlaygroundHost()
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        mode = lambda: str(app.query_one("#pg-request-mode").render())  # noqa: E731
        assert mode().startswith("chromium")
        await pilot.press("K")
        assert v.kinds == {"browser": "firefox"} and v.sim.browser_kind("browser") == "firefox"
        assert mode().startswith("firefox") and v.events == []  # no event, no restart
        await pilot.press("K")
        assert v.sim.browser_kind("browser") == "safari"
        await pilot.press("K")
        assert v.kinds == {} and v.sim.browser_kind("browser") == "chromium"


@sync
async def test_a_used_browsers_new_kind_plays_the_run_again_and_exports_it(tmp_path):
    app = PlaygroundHost(options=UNSET_SAME_SITE, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        await pilot.press("l", "2", "s", "t")  # chromium: no SameSite = Lax; a 10-minute-old cookie stays home
        chromium_steps = [s.to_json() for s in v.steps]
        assert v.steps[-1].variables["status"] != 200
        assert "chromium" in v.steps[-1].variables["same_site"]
        assert "same_site" in [t.variable for t in v.tracker.variables]  # the row appears with cross-site
        await pilot.press("K")  # firefox: no SameSite = None; the same three events are played again
        await pilot.pause()
        assert len(v.events) == 3 and v.kinds == {"browser": "firefox"}
        assert v.steps[-1].variables["status"] == 200 and "firefox" in v.steps[-1].variables["same_site"]
        assert "3 events replayed" in status(app)
        assert v.previous_run.browsers == {} and [s.to_json() for s in v.steps] != chromium_steps
        firefox_steps = [s.to_json() for s in v.steps]
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("c")  # this run (firefox)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("p")  # the run before (chromium)
        await pilot.pause()
    firefox, chromium = tmp_path / "playground-1.yaml", tmp_path / "playground-2.yaml"
    assert yaml.safe_load(firefox.read_text())["browsers"] == {"browser": {"kind": "firefox"}}
    assert "browsers" not in yaml.safe_load(chromium.read_text())
    assert run_scenario(load_scenario(firefox)).to_json()[:-1] == firefox_steps
    assert run_scenario(load_scenario(chromium)).to_json()[:-1] == chromium_steps


def test_export_declares_only_browsers_that_are_not_chromium():
    text = scenario_to_yaml(EngineOptions(), [Event(request="GET /", as_="fox")], {"fox": "firefox", "b": "chromium"})
    assert yaml.safe_load(text) == {
        "browsers": {"fox": {"kind": "firefox"}},
        "events": [{"request": "GET /", "as": "fox"}],
    }


@sync
async def test_starts_with_the_kinds_it_is_given_and_exports_them(tmp_path):
    app = PlaygroundHost(export_dir=tmp_path, kinds={"browser": "safari"})
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        assert v.sim.browser_kind("browser") == "safari"
        assert str(app.query_one("#pg-request-mode").render()).startswith("safari")
        await pilot.press("g", "e")
        await pilot.pause()
    assert yaml.safe_load((tmp_path / "playground-1.yaml").read_text())["browsers"] == {"browser": {"kind": "safari"}}


@sync
async def test_a_browser_that_joins_shows_its_newest_state_in_the_tracker():
    app = PlaygroundHost()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "l", "d", "d", "d", "c")  # the steal makes an attacker: a new tracker row
        await pilot.pause()
        rows = widget_text(view(app).tracker).splitlines()
        attacker = next(line for line in rows if line.lstrip().startswith("jar.attacker"))
        assert "sessionId=" in attacker  # the stolen cookie: only the newest state has it


@sync
async def test_clicking_a_key_in_the_panel_does_what_the_key_does(tmp_path):
    app = PlaygroundHost(export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        v = view(app)
        lines = panel_text(app).splitlines()

        async def click(label: str) -> None:
            row = next(i for i, line in enumerate(lines) if label in line)
            await pilot.click("#pg-keys", offset=(lines[row].index(label) + 2, row))
            await pilot.pause()

        await click("e export")  # nothing to export yet: the dimmed key does nothing
        assert v.exported is None
        await click("d GET /dashboard")
        assert [e.request for e in v.events] == ["GET /dashboard"]
        await click("e export")
        assert v.exported == tmp_path / "playground-1.yaml"


@sync
async def test_the_lesson_help_lists_the_playground_keys_without_textuals_focus_keys():
    app = make_app(mode="play")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        rows = dict(describe_bindings(app, app.screen))
        assert rows["3"].startswith("Advance the clock 31 minutes") and rows["j"].startswith("Switch database/jwt")
        assert "tab" not in rows and "shift+tab" not in rows  # Textual's own, the same on every screen
        assert "Copy selected text" not in rows.values()


@sync
async def test_tracker_is_as_tall_as_the_newest_step_and_the_table_gets_the_rest():
    """After twenty events at 120×40 the tracker has no blank lines reserved for an older, taller step:
    its height is the newest step's, and every line of it shows something."""
    from test_ui_quiz_snapshots import TWENTY_EVENTS

    app = PlaygroundHost()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*TWENTY_EVENTS)
        await pilot.pause()
        tracker = view(app).tracker
        lines = [tracker.render_line(y).text for y in range(tracker.size.height)]
        assert all(line.strip() for line in lines), lines
        assert len(lines) == 1 + len(tracker.variables)  # the newest values are one line each
        assert view(app).table.size.height >= 18


@sync
async def test_key_panel_group_titles_are_readable_in_a_light_theme():
    """The group titles (muted text, "auto 60%") resolve against the panel's background: dark on a light
    theme (they were white on light grey)."""
    app = PlaygroundHost()
    app.theme = "textual-light"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = view(app).keys
        colour = panel._style("key-panel--title").color.get_truecolor()
        background = panel.background_colors[1].rgb
        luminance = lambda rgb: (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255  # noqa: E731
        assert luminance(background) - luminance(tuple(colour)) > 0.25, (colour, background)


@sync
async def test_options_dialog_starts_on_its_first_field_and_enter_moves_on_without_closing():
    app = PlaygroundHost()
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        assert app.focused is dialog.query_one("#opt-strategy")
        idle = dialog.query_one("#opt-idle_timeout")
        idle.focus()
        idle.value = "5m"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # not applied: still open, the run not restarted
        assert app.focused is dialog.query_one("#opt-absolute_timeout")
        assert v.options.idle_timeout == "30m"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not dialog and v.options.idle_timeout == "5m"


@sync
async def test_declared_browsers_keep_their_kind_and_third_party_policy() -> None:
    """A lesson's or challenge's `browsers:` declaration (kind and third_party) reaches the playground's
    engine as declared: the kind shows as a kind, and a cross-site fetch follows the declared policy."""
    from tutor.engine.scenario import BrowserOptions

    app = PlaygroundHost(
        kinds={
            "browser": BrowserOptions(kind="chromium", third_party="block"),
            "attacker": BrowserOptions(kind="firefox"),
        }
    )
    async with app.run_test(size=(120, 40)) as pilot:
        v = view(app)
        assert v.kinds == {"attacker": "firefox"} and v.kind_of("attacker") == "firefox"
        assert v.sim is not None and v.sim.browser_kind("attacker") == "firefox"
        await pilot.press("g", "l")
        await pilot.pause()
        jar = v.sim.browsers["browser"].jar
        assert jar.third_party == "block"


@sync
async def test_options_dialog_sets_cookie_expires_and_sign_in_and_the_export_loads(tmp_path, capsys):
    from tutor.cli import main

    app = PlaygroundHost(export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#opt-expires").value = "sliding"
        dialog.query_one("#opt-sign_in").value = "server-action"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not dialog
        assert (v.options.cookie.expires, v.options.sign_in) == ("sliding", "server-action")
        await pilot.press("l", "e")
        await pilot.pause()
        assert v.exported is not None
        exported = v.exported
    capsys.readouterr()
    text = exported.read_text(encoding="utf-8")
    assert "sliding" in text and "server-action" in text
    assert main(["simulate", str(exported)]) == 0, capsys.readouterr()  # the scenario loader and check_scenario


@sync
async def test_options_dialog_sets_token_version_and_sign_out_everywhere_revokes_the_token(tmp_path, capsys):
    """jwt with engine.token_version: the dialog offers it, sign-out-everywhere (E) then revokes the signed-in
    token (the next request is signed out), and the export carries it and loads."""
    from tutor.cli import main

    app = PlaygroundHost(export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        v = view(app)
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#opt-token_version").value == "no"
        dialog.query_one("#opt-strategy").value = "jwt"
        dialog.query_one("#opt-token_version").value = "yes"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not dialog
        assert (v.options.strategy, v.options.token_version) == ("jwt", True)
        assert "token version" in str(app.query_one("#pg-options").render())
        await pilot.press("l", "d", "E", "d")
        await pilot.pause()
        statuses = [s.variables.get("status") for s in v.steps if s.phase == "send_response"]
        assert statuses[-2:] == [200, 307]  # the dashboard before (signed in) and after (revoked)
        assert any("revoked" in s.result for s in v.steps if s.phase == "validate")
        await pilot.press("e")
        await pilot.pause()
        assert v.exported is not None
        exported = v.exported
    capsys.readouterr()
    assert "token_version: true" in exported.read_text(encoding="utf-8")
    assert main(["simulate", str(exported)]) == 0, capsys.readouterr()


@sync
async def test_options_dialog_marks_the_focused_field_and_tab_visits_only_fields_and_buttons():
    """Issue 19: focus starts on the first field, Tab goes round the fields and the two buttons (never the
    scroll box, whose focus would not show), and exactly the focused one is marked ▶ (seen without colour)."""
    from textual.widgets import Button, Input, Select

    app = PlaygroundHost()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        fields = [w.id for w in dialog.query("#pg-options-grid > *") if isinstance(w, (Input, Select))]
        stops = [*fields, "pg-options-apply", "pg-options-cancel"]

        def marked() -> list[str]:
            labels = [
                label.id.removeprefix("label-")
                for label in dialog.query(".pg-option-label")
                if str(label.render()).startswith("▶")
            ]
            return labels + [b.id for b in dialog.query(Button) if str(b.label).startswith("▶")]

        visited = []
        for _ in stops:
            visited.append(app.focused.id)
            assert marked() == [app.focused.id]
            await pilot.press("tab")
            await pilot.pause()
        assert visited == stops
        assert app.focused.id == fields[0]  # round again
        await pilot.press("shift+tab")
        await pilot.pause()
        assert marked() == ["pg-options-cancel"]
