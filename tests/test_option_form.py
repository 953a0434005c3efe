"""The playground's options form (tutor/lesson/option_form.py): its fields come from the engine's option
types, so every option (token_extra among them) is in the dialog, and applying the form's texts is the one
way back (types, then check_options)."""

from __future__ import annotations

import msgspec
import pytest
from quiz_host import PlaygroundHost, active_keys, sync
from ui_support import make_app

from tutor.engine.scenario import CookieOptions, EngineOptions
from tutor.lesson.option_form import STRATEGY_NOTES, apply_texts, field_text, option_fields


def _every_option() -> list[tuple[str, ...]]:
    engine = [("cookie", f.name) for f in msgspec.structs.fields(CookieOptions)]
    paths: list[tuple[str, ...]] = []
    for f in msgspec.structs.fields(EngineOptions):
        paths += engine if f.name == "cookie" else [(f.name,)]
    return paths


def test_the_form_has_every_engine_option_in_the_types_order() -> None:
    fields = option_fields()
    assert [f.path for f in fields] == _every_option()
    names = [f.name for f in fields]
    assert "token_extra" in names and len(set(names)) == len(names)
    assert set(STRATEGY_NOTES) <= set(names)  # a note names a real option
    kinds = {f.name: (f.kind, f.choices) for f in fields}
    assert kinds["token_extra"] == ("mapping", ()) and kinds["users"] == ("mapping", ())
    assert kinds["strategy"] == ("choice", ("database", "jwt")) and kinds["secure"] == ("yes_no", ("yes", "no"))
    assert {f.name for f in fields if f.duration} == {
        "idle_timeout",
        "absolute_timeout",
        "update_age",
        "max_age",
        "remember_max_age",
    }


def test_texts_come_back_as_the_options_and_unchanged_ones_are_kept_exactly() -> None:
    options = EngineOptions(users={"a=b": "x, y"})  # a name the text form cannot write back
    texts = {f.name: field_text(options, f) for f in option_fields()}
    assert apply_texts(options, texts) == options
    changed = apply_texts(options, {**texts, "strategy": "jwt", "token_extra": "alice=5000, bob=20", "seed": "7"})
    assert (changed.token_extra, changed.seed, changed.users) == ({"alice": 5000, "bob": 20}, 7, options.users)
    assert field_text(changed, next(f for f in option_fields() if f.name == "token_extra")) == "alice=5000, bob=20"


@pytest.mark.parametrize(
    ("texts", "said"),
    [
        ({"token_extra": "alice"}, "token_extra (jwt): expected NAME=VALUE"),
        ({"token_extra": "alice=0"}, "token_extra"),
        ({"idle_timeout": "soon"}, "idle_timeout: expected a duration such as 30m"),
        ({"name": "a b"}, "cookie name: Expected `str` matching regex"),
        ({"strategy": "jwt", "store": "sqlite"}, "store: "),
    ],
)
def test_a_refused_text_is_one_line_naming_the_option(texts, said) -> None:
    with pytest.raises(ValueError) as refused:
        apply_texts(EngineOptions(), texts)
    assert str(refused.value).startswith(said) and "\n" not in str(refused.value)


@sync
async def test_a_tall_terminal_shows_every_option_at_once(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    app = make_app(mode="play", store=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("O")
        await pilot.pause()
        scroll = app.screen.query_one("#pg-options-scroll")
        assert app.screen.has_class("-tall") and scroll.max_scroll_y == 0
        assert len(app.screen.query(".pg-option-label")) == len(option_fields())


async def _apply_in_dialog(app, pilot, texts: dict[str, str]):
    """Open the options dialog, type ``texts`` (option name → text), apply; the playground view."""
    await pilot.press("O")
    await pilot.pause()
    for name, text in texts.items():
        app.screen.query_one(f"#opt-{name}").value = text
    labels = [str(label.render()).strip() for label in app.screen.query(".pg-option-label")]
    await pilot.press("ctrl+s")
    await pilot.pause()
    return app.query_one("#playground"), labels


@sync
async def test_the_dialog_sets_token_extra_and_the_token_is_split() -> None:
    app = PlaygroundHost()
    async with app.run_test(size=(120, 40)) as pilot:
        playground, labels = await _apply_in_dialog(app, pilot, {"strategy": "jwt", "token_extra": "alice=5000"})
        assert labels[-2:] == ["token_version (jwt)", "token_extra (jwt)"]
        assert playground.options.token_extra == {"alice": 5000}
        await pilot.press("l")
        await pilot.pause()
        jar = playground.steps[-1].variables["jar.browser"]
        assert [line.split("=", 1)[0] for line in jar] == ["sessionId.0", "sessionId.1"]


def test_new_users_from_the_dialog_are_the_ones_offered() -> None:
    from tutor.lesson.playground_run import PlaygroundRun

    run = PlaygroundRun(EngineOptions())
    try:
        run.restart(apply_texts(run.options, {"users": "carol=c, dave=d"}))
        assert (run.users, run.user) == (["carol", "dave"], "carol")  # alice is gone: the first one
        run.play(run.login_event(True))
        assert run.steps[-1].user == "carol"
    finally:
        run.close()


@sync
async def test_no_users_from_the_dialog_leave_no_user_to_log_in() -> None:
    app = PlaygroundHost()
    async with app.run_test(size=(120, 40)) as pilot:
        playground, _ = await _apply_in_dialog(app, pilot, {"users": ""})
        assert playground.options.users == {} and playground.user == ""
        assert app.query_one("#pg-user").value == "" and "l" not in active_keys(app)
