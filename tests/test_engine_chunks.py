"""next-auth's session-cookie chunking (tutor/engine/chunks.py) and the server that writes through it."""

from __future__ import annotations

from test_engine_helpers import event_steps, response, run

from tutor.engine import chunks

NAME = "next-auth.session-token"
JWT = {"strategy": "jwt", "cookie": {"name": NAME}}


# -- the rule on its own ------------------------------------------------------------------------------
def test_chunk_size_is_next_auths_4096_minus_163() -> None:
    assert chunks.CHUNK_SIZE == 3933


def test_a_value_that_fits_keeps_the_plain_name_and_one_over_is_split() -> None:
    assert chunks.split(NAME, "a" * 3933) == [(NAME, "a" * 3933)]
    assert chunks.split(NAME, "a" * 3933 + "b") == [(f"{NAME}.0", "a" * 3933), (f"{NAME}.1", "b")]
    assert [n for n, _ in chunks.split(NAME, "x" * (3933 * 3 + 1))] == [f"{NAME}.{i}" for i in range(4)]


def test_reading_joins_the_parts_in_index_order_not_cookie_order() -> None:
    sent = {f"{NAME}.10": "k", f"{NAME}.1": "b", "other": "zzz", f"{NAME}.0": "a", f"{NAME}.2": "c"}
    assert chunks.parts(sent, NAME) == [f"{NAME}.0", f"{NAME}.1", f"{NAME}.2", f"{NAME}.10"]
    assert chunks.read(sent, NAME) == "abck"
    assert chunks.read({"other": "1", f"{NAME}x": "2", f"{NAME}.x": "3"}, NAME) is None
    assert chunks.read({NAME: "plain"}, NAME) == "plain"


def test_a_write_deletes_the_parts_the_new_value_does_not_need() -> None:
    held = [f"{NAME}.0", f"{NAME}.1", f"{NAME}.2"]
    # shrinks to two chunks: .2 deleted, in the place next-auth's record keeps it
    assert chunks.plan(held, NAME, "a" * 4000) == [
        (f"{NAME}.0", "a" * 3933),
        (f"{NAME}.1", "a" * 67),
        (f"{NAME}.2", None),
    ]
    # shrinks to one cookie: every chunk deleted, the plain name set
    assert chunks.plan(held, NAME, "small") == [(n, None) for n in held] + [(NAME, "small")]
    # grows into chunks: the plain name deleted first
    assert chunks.plan([NAME], NAME, "b" * 4000) == [(NAME, None), (f"{NAME}.0", "b" * 3933), (f"{NAME}.1", "b" * 67)]
    # clean(): every part
    assert chunks.plan(held, NAME, None) == [(n, None) for n in held]


# -- the server writing and reading chunks ---------------------------------------------------------------
def _set_cookie_names(trace, event: int) -> list[tuple[str, str]]:
    out = []
    for s in event_steps(trace, event):
        if s.phase in ("set_cookie", "clear_cookie"):
            header = s.variables["set_cookie"]
            name, _, rest = header.partition("=")
            out.append((name, "deleted" if "Max-Age=0" in rest else "set"))
    return out


def _jar_names(trace, event: int) -> list[str]:
    (stored,) = [s for s in event_steps(trace, event) if s.phase == "store_cookie"]
    return [line.split("=", 1)[0] for line in stored.variables["jar.browser"]]


def test_a_large_token_is_set_read_and_signed_out_in_chunks() -> None:
    trace = run(
        [{"login": "alice"}, {"request": "GET /api/session"}, {"logout": None}],
        **JWT,
        token_extra={"alice": 5000},
    )
    assert _set_cookie_names(trace, 1) == [(f"{NAME}.0", "set"), (f"{NAME}.1", "set")]
    assert _jar_names(trace, 1) == [f"{NAME}.0", f"{NAME}.1"]
    first = [s for s in event_steps(trace, 1) if s.phase == "set_cookie"][0]
    assert first.action == "Set session cookie: chunk 1 of 2"
    assert "characters, over 3,933: split into 2 cookies: Set-Cookie next-auth.session-token.0=" in first.result
    # the server joins the chunks back into the token: signed in, and the token re-issued in two chunks
    assert response(trace, 2).result.startswith('200 {"expires"')
    read = [s for s in event_steps(trace, 2) if s.phase == "read_cookie"][0]
    assert read.cookie_present and read.session_id == first.session_id
    assert _set_cookie_names(trace, 2) == [(f"{NAME}.0", "set"), (f"{NAME}.1", "set")]
    # sign-out deletes every chunk
    assert _set_cookie_names(trace, 3) == [(f"{NAME}.0", "deleted"), (f"{NAME}.1", "deleted")]
    assert _jar_names(trace, 3) == []


def test_every_chunk_fits_the_browsers_4096_bytes() -> None:
    trace = run([{"login": "alice"}], **JWT, token_extra={"alice": 12000})
    names = _jar_names(trace, 1)
    assert names == [f"{NAME}.{i}" for i in range(len(names))] and len(names) >= 4
    for s in event_steps(trace, 1):
        if s.phase == "set_cookie":
            pair = s.variables["set_cookie"].split(";", 1)[0]
            assert len(pair) - 1 <= 4096  # name + value, as RFC 6265bis §5.7 counts them


def test_when_the_token_shrinks_the_stale_chunks_are_cleared() -> None:
    """Signed in with a large token, then as a user whose token fits one cookie: next-auth deletes .0 and
    .1 in the same response that sets the plain name."""
    trace = run(
        [{"login": "big-" + "x" * 5000, "password": "pw"}, {"login": "bob"}, {"request": "GET /api/session"}],
        strategy="jwt",
        cookie={"name": NAME},
        users={"bob": "builder", "big-" + "x" * 5000: "pw"},
    )
    assert _set_cookie_names(trace, 1) == [(f"{NAME}.0", "set"), (f"{NAME}.1", "set")]
    assert _set_cookie_names(trace, 2) == [(f"{NAME}.0", "deleted"), (f"{NAME}.1", "deleted"), (NAME, "set")]
    stale = [s for s in event_steps(trace, 2) if s.phase == "clear_cookie"]
    assert [s.action for s in stale] == [f"Clear stale chunk {NAME}.0", f"Clear stale chunk {NAME}.1"]
    assert _jar_names(trace, 2) == [NAME]
    assert '"name":"bob"' in response(trace, 3).result


def test_a_token_that_grows_into_chunks_deletes_the_plain_cookie() -> None:
    trace = run(
        [{"login": "bob"}, {"login": "big-" + "x" * 5000, "password": "pw"}],
        strategy="jwt",
        cookie={"name": NAME},
        users={"bob": "builder", "big-" + "x" * 5000: "pw"},
    )
    assert _set_cookie_names(trace, 2) == [(NAME, "deleted"), (f"{NAME}.0", "set"), (f"{NAME}.1", "set")]
    assert _jar_names(trace, 2) == [f"{NAME}.0", f"{NAME}.1"]


def test_a_tampered_chunk_is_rejected_and_every_chunk_cleared() -> None:
    trace = run(
        [{"login": "alice"}, {"tamper": {"cookie": f"{NAME}.1", "value": "AAAA"}}, {"request": "GET /dashboard"}],
        **JWT,
        token_extra={"alice": 5000},
    )
    validate = [s for s in event_steps(trace, 3) if s.phase == "validate"][0]
    assert validate.result.endswith("rejected")
    assert _set_cookie_names(trace, 3) == [(f"{NAME}.0", "deleted"), (f"{NAME}.1", "deleted")]
    assert response(trace, 3).variables["status"] == 307


def test_spreading_a_value_over_the_parts_held_reads_back_the_value() -> None:
    held = [f"{NAME}.1", f"{NAME}.0"]
    for value in ("short", "x" * (chunks.CHUNK_SIZE + 5), "y" * (3 * chunks.CHUNK_SIZE)):
        spread = chunks.spread(held, NAME, value)
        assert [n for n, _ in spread] == [f"{NAME}.0", f"{NAME}.1"]  # the parts held, no more, in index order
        assert chunks.read(dict(spread), NAME) == value
    assert chunks.spread(held, NAME, "short") == [(f"{NAME}.0", "short"), (f"{NAME}.1", "")]


def test_tampering_with_a_chunked_session_cookie_changes_the_joined_token() -> None:
    """A tamper that names no cookie, on a large token (engine.token_extra) the browser holds in NAME.0 and
    NAME.1: the claims of the joined token (as next-auth reads it) change and are written back over the
    same parts; the server then rejects the signature, as it would a plain cookie's."""
    trace = run(
        [{"login": "alice"}, {"tamper": {"claims": {"sub": "bob"}}}, {"request": "GET /dashboard"}],
        **JWT,
        token_extra={"alice": 5000},
    )
    (tampered,) = event_steps(trace, 2)
    assert tampered.action == f"Change token claims sub='bob' ({NAME}.0, {NAME}.1 joined)"
    assert tampered.result == f"Claims changed, old signature kept, written over {NAME}.0, {NAME}.1"
    assert tampered.variables["token"]["sub"] == "bob" and tampered.cookie_present
    jar = tampered.variables["jar.browser"]
    assert [line.split("=", 1)[0] for line in jar] == [f"{NAME}.0", f"{NAME}.1"]
    validate = [s for s in event_steps(trace, 3) if s.phase == "validate"][0]
    assert validate.session_id == tampered.session_id and validate.result.endswith("rejected")
    replaced = run([{"login": "alice"}, {"tamper": {"value": "forged"}}], **JWT, token_extra={"alice": 5000})
    (step,) = event_steps(replaced, 2)
    assert step.result == f"Value now forged, written over {NAME}.0, {NAME}.1" and step.session_id == "forged"


def test_tampering_with_chunks_a_server_does_not_join_says_so() -> None:
    trace = run(
        [{"set_cookie": [f"{NAME}.0=a; Path=/", f"{NAME}.1=b; Path=/"]}, {"tamper": {"value": "x"}}],
        **{**JWT, "sign_in": "server-action"},
    )
    (step,) = event_steps(trace, 2)
    assert step.result == (
        f"No {NAME} cookie in browser (only {NAME}.0, {NAME}.1, chunks this server does not join): nothing changed"
    )


def test_stealing_a_chunked_session_cookie_copies_every_chunk() -> None:
    trace = run(
        [
            {"login": "alice"},
            {"steal": {"from": "browser", "to": "attacker"}},
            {"request": "GET /dashboard", "as": "attacker"},
        ],
        **JWT,
        token_extra={"alice": 5000},
    )
    (stolen,) = event_steps(trace, 2)
    assert stolen.result.startswith(f"Copied {NAME}.0, {NAME}.1 ({NAME}=")
    assert stolen.cookie_present
    assert response(trace, 3).result == "200 OK: dashboard for alice"


def test_small_tokens_are_written_exactly_as_before() -> None:
    """No chunk and no extra header for a token that fits: the trace of a jwt sign-in is unchanged."""
    trace = run([{"login": "alice"}, {"request": "GET /api/session"}, {"logout": None}], **JWT)
    assert _set_cookie_names(trace, 1) == [(NAME, "set")]
    assert _set_cookie_names(trace, 2) == [(NAME, "set")]
    assert _set_cookie_names(trace, 3) == [(NAME, "deleted")]
    (cleared,) = [s for s in event_steps(trace, 3) if s.phase == "clear_cookie"]
    assert cleared.action == "Clear session cookie"
    assert cleared.result == f"Token not revoked: a copy stays valid until +30m: Set-Cookie {NAME}=; Max-Age=0"


def test_the_extra_data_is_seeded_and_draws_no_id() -> None:
    plain = run([{"login": "alice"}], **JWT)
    big = run([{"login": "alice"}], **JWT, token_extra={"alice": 100})
    again = run([{"login": "alice"}], **JWT, token_extra={"alice": 100})
    token = [s for s in big if s.phase == "create_session"][0].variables["token"]
    assert len(token["extra"]) == 100
    assert token == [s for s in again if s.phase == "create_session"][0].variables["token"]
    assert token["sid"] == [s for s in plain if s.phase == "create_session"][0].variables["token"]["sid"]


def test_only_the_user_with_extra_data_gets_a_large_token() -> None:
    trace = run([{"login": "bob"}, {"login": "alice"}], **JWT, token_extra={"alice": 5000})
    assert _set_cookie_names(trace, 1) == [(NAME, "set")]
    assert _set_cookie_names(trace, 2) == [(NAME, "deleted"), (f"{NAME}.0", "set"), (f"{NAME}.1", "set")]


def test_an_apps_own_cookie_is_not_chunked_and_the_browser_refuses_it() -> None:
    """`sign_in: server-action` stands for an app's own `cookies().set`: one cookie whatever its size,
    which the browser refuses over 4,096 bytes (RFC 6265bis §5.7 step 4)."""
    trace = run(
        [{"login": "alice"}, {"request": "GET /dashboard"}], **JWT, sign_in="server-action", token_extra={"alice": 5000}
    )
    assert _set_cookie_names(trace, 1) == [(NAME, "set")]
    (stored,) = [s for s in event_steps(trace, 1) if s.phase == "store_cookie"]
    assert "rejected (name + value is" in stored.result and stored.variables["jar.browser"] == []
    assert response(trace, 2).variables["status"] == 307


# -- a scenario file and the lesson ------------------------------------------------------------------------
CHUNKED_SCENARIO = """\
engine:
  strategy: jwt
  cookie: {name: next-auth.session-token, secure: false, expires: sliding}
  token_extra: {alice: 5000}
events:
  - login: alice
    scheme: http
  - request: GET /api/session
    scheme: http
  - logout:
    scheme: http
"""


def test_simulate_json_shows_the_chunks_in_set_cookie_and_the_jar(tmp_path, capsys) -> None:
    import json

    from tutor.cli import main

    path = tmp_path / "chunked.yaml"
    path.write_text(CHUNKED_SCENARIO, encoding="utf-8")
    assert main(["simulate", str(path), "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    headers = [s["variables"]["set_cookie"] for s in steps if s["phase"] in ("set_cookie", "clear_cookie")]
    assert [h.split("=", 1)[0] for h in headers] == [f"{NAME}.{i}" for i in (0, 1, 0, 1, 0, 1)]
    assert all("Expires=" in h for h in headers[:4]) and all("Max-Age=0" in h for h in headers[4:])
    jars = [s["variables"]["jar.browser"] for s in steps if s["phase"] == "store_cookie"]
    assert [[c.split("=", 1)[0] for c in jar] for jar in jars] == [[f"{NAME}.0", f"{NAME}.1"]] * 2 + [[]]


def test_the_jwt_lesson_shows_a_chunked_token_and_its_sign_out() -> None:
    from pathlib import Path

    from tutor.lesson.loader import load_lesson

    lesson = load_lesson(Path(__file__).resolve().parent.parent / "lessons" / "jwt-vs-database.yaml")
    rows = [s for s in lesson.steps if s.actor == "bob"]
    assert [s.action for s in rows if s.phase in ("set_cookie", "clear_cookie")] == [
        "Set session cookie: chunk 1 of 2",
        "Set session cookie: chunk 2 of 2",
        "Re-issue token (sliding expiry): chunk 1 of 2",
        "Re-issue token (sliding expiry): chunk 2 of 2",
        "Clear session cookie: chunk 1 of 2",
        "Clear session cookie: chunk 2 of 2",
    ]
    assert "over 3,933: split into 2 cookies" in rows[[s.phase for s in rows].index("set_cookie")].result


def test_a_script_that_reads_chunks_from_document_cookie_takes_the_whole_token() -> None:
    trace = run(
        [{"login": "alice"}, {"xss": {"to": "attacker"}}, {"request": "GET /dashboard", "as": "attacker"}],
        strategy="jwt",
        cookie={"name": NAME, "http_only": False},
        token_extra={"alice": 5000},
    )
    (xss,) = event_steps(trace, 2)
    assert xss.result == f"Sent {NAME}.0, {NAME}.1 to attacker"
    login_token = [s for s in event_steps(trace, 1) if s.phase == "create_session"][0].session_id
    assert xss.session_id == login_token and xss.variables["token"]["sub"] == "alice"
    assert response(trace, 3).result == "200 OK: dashboard for alice"


def test_an_apps_own_server_does_not_read_chunks() -> None:
    """With `sign_in: server-action` a hand-written `NAME.0` is just another cookie: not sent as the
    session cookie, and the server reads nothing from it."""
    trace = run(
        [{"set_cookie": f"{NAME}.0=abc"}, {"request": "GET /dashboard"}],
        strategy="jwt",
        cookie={"name": NAME},
        sign_in="server-action",
    )
    read = [s for s in event_steps(trace, 2) if s.phase == "read_cookie"][0]
    assert read.action == "Session cookie missing" and not read.cookie_present
    chunked = run([{"set_cookie": f"{NAME}.0=abc"}, {"request": "GET /dashboard"}], **JWT)
    read = [s for s in event_steps(chunked, 2) if s.phase == "read_cookie"][0]
    assert read.cookie_present and read.result == "Token abc"  # next-auth joins it (and then rejects it)


def test_a_capture_joins_chunks_in_number_order_too() -> None:
    from tutor.capture.session import SessionWatch
    from tutor.engine.cookies import Cookie

    jar = {f"{NAME}.{i}": Cookie(name=f"{NAME}.{i}", value=chr(ord("a") + i), domain="x") for i in range(11)}
    assert SessionWatch(NAME, show_values=True)._value(jar) == "abcdefghijk"  # .10 after .9, not after .1
