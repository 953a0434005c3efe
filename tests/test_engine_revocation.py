"""Sign out everywhere, the token-version check and secret rotation (tutor/engine/revocation.py)."""

from __future__ import annotations

import msgspec
import pytest

from tutor.engine import Simulation, check_scenario
from tutor.engine.scenario import EngineOptions, Event, RotateSecret, Scenario, Steal


def _sim(**options: object) -> Simulation:
    return Simulation(msgspec.convert(options, EngineOptions))


def _dashboard(sim: Simulation, who: str) -> int:
    steps = sim.play(Event(request="GET /dashboard", as_=who))
    status = [s.variables["status"] for s in steps if s.phase == "send_response"]
    return int(status[-1])


def _signed_in_three(sim: Simulation) -> None:
    """alice in `browser` and `laptop`, a thief holding a copy of browser's cookie, bob in `phone`."""
    sim.play(Event(login="alice"))
    sim.play(Event(login="alice", as_="laptop"))
    sim.play(Event(steal=Steal(from_="browser", to="thief")))
    sim.play(Event(login="bob", as_="phone"))


def test_database_revokes_every_session_of_the_user_and_no_other() -> None:
    with _sim(strategy="database") as sim:
        _signed_in_three(sim)
        assert {row["user"] for row in sim.trace[-1].variables["store"]} == {"alice", "bob"}
        step = sim.play(Event(sign_out_everywhere="alice"))[-1]
        assert step.phase == "revoke_sessions" and step.actor == "server"
        assert step.result == "Deleted 2 session rows of alice; 1 other session kept"
        assert [row["user"] for row in step.variables["store"]] == ["bob"]
        assert [_dashboard(sim, who) for who in ("browser", "laptop", "thief", "phone")] == [307, 307, 307, 200]


def test_jwt_keeps_accepting_a_stolen_token_after_sign_out_everywhere() -> None:
    with _sim(strategy="jwt") as sim:
        _signed_in_three(sim)
        step = sim.play(Event(sign_out_everywhere="alice"))[-1]
        assert "stays valid" in step.result
        assert step.variables["token_versions"] is None
        assert _dashboard(sim, "thief") == 200


def test_jwt_token_version_revokes_the_users_tokens_only() -> None:
    with _sim(strategy="jwt", token_version=True) as sim:
        _signed_in_three(sim)
        assert sim.trace[-1].variables["token"]["ver"] == 0
        step = sim.play(Event(sign_out_everywhere="alice"))[-1]
        assert step.variables["token_versions"] == {"alice": 1, "bob": 0}
        assert [_dashboard(sim, who) for who in ("browser", "laptop", "thief", "phone")] == [307, 307, 307, 200]
        # a new sign-in carries the new version and is accepted
        sim.play(Event(login="alice"))
        assert sim.trace[-1].variables["token"]["ver"] == 1
        assert _dashboard(sim, "browser") == 200


def test_rotation_invalidates_every_token_signed_with_the_old_secret() -> None:
    with _sim(strategy="jwt") as sim:
        _signed_in_three(sim)
        assert sim.trace[-1].variables["secrets"] == ["secret 1"]
        step = sim.play("rotate_secret")[-1]
        assert step.variables["secrets"] == ["secret 2"]
        assert [_dashboard(sim, who) for who in ("browser", "laptop", "thief", "phone")] == [307, 307, 307, 307]
        rejected = [s for s in sim.trace if s.phase == "validate"][-1]
        assert rejected.result == "Signature does not match: rejected"


def test_rotation_keeping_the_old_secret_accepts_old_tokens_and_re_signs_them() -> None:
    with _sim(strategy="jwt") as sim:
        sim.play(Event(login="alice"))
        before = sim.trace[-1].variables["jar.browser"]
        step = sim.play(Event(rotate_secret=RotateSecret(keep_old=True)))[-1]
        assert step.variables["secrets"] == ["secret 2", "secret 1"]
        assert _dashboard(sim, "browser") == 200
        assert sim.trace[-1].variables["jar.browser"] != before  # re-issued, signed with secret 2
        sim.play("rotate_secret")  # secret 3 alone: the token re-signed with 2 no longer verifies
        assert sim.trace[-1].variables["secrets"] == ["secret 3"]
        assert _dashboard(sim, "browser") == 307


def test_rotation_leaves_database_sessions_alone() -> None:
    with _sim(strategy="database") as sim:
        sim.play(Event(login="alice"))
        step = sim.play("rotate_secret")[-1]
        assert step.variables["secrets"] is None
        assert "not signed" in step.result
        assert _dashboard(sim, "browser") == 200


@pytest.mark.parametrize(
    ("scenario", "field", "expected"),
    [
        ({"events": [{"sign_out_everywhere": "carol"}]}, "sign_out_everywhere", "found 'carol'"),
        ({"engine": {"token_version": True}, "events": []}, "engine.token_version", "found strategy: database"),
    ],
)
def test_check_scenario_names_what_was_expected_and_found(scenario: dict, field: str, expected: str) -> None:
    problems = check_scenario(msgspec.convert(scenario, Scenario))
    assert [p.field for p in problems] == [field]
    assert expected in problems[0].message and "expected" in problems[0].message
