"""The playground's keys, as data: each key's action, description and panel label, grouped as the key
panel shows them. The playground's bindings, the key panel, the challenge mode (which keeps the keys of
its allowed verbs) and the README's key table are all made from :data:`KEY_GROUPS`."""

from __future__ import annotations

from tutor.ui.widgets.key_panel import KeyGroup, PanelKey


def _k(
    key: str, action: str, description: str, label: str, display: str | None = None, *, verb: str | None = None
) -> PanelKey:
    return PanelKey(key, action, description, label, display, verb)


#: Every key of the playground, grouped as the key panel shows them (the bindings are made from this).
KEY_GROUPS: tuple[KeyGroup, ...] = (
    KeyGroup(
        "send",
        (
            _k("g", "request('GET /')", "Send GET / as the chosen browser", "GET /", verb="request"),
            _k("d", "request('GET /dashboard')", "Send GET /dashboard", "GET /dashboard", verb="request"),
            _k("a", "request('GET /api/session')", "Send GET /api/session", "GET /api/session", verb="request"),
            _k("t", "request('POST /transfer')", "Send POST /transfer (a form post)", "POST /transfer", verb="request"),
            _k("S", "set_cookie", "Answer GET / with a Set-Cookie header you write", "Set-Cookie", verb="set_cookie"),
        ),
    ),
    KeyGroup(
        "log in",
        (
            _k("l", "login(True)", "Log in as the chosen user", "log in", verb="login"),
            _k(
                "L",
                "login(True, True)",
                'Log in with "remember me" ticked (a persistent cookie)',
                "remember me",
                verb="login",
            ),
            _k("w", "login(False)", "Log in with a wrong password", "wrong password", verb="login"),
            _k("o", "logout", "Log out", "log out", verb="logout"),
            _k("u", "next_user", "Log in as the next user", "next user"),
        ),
    ),
    KeyGroup(
        "clock",
        (
            _k("1", "advance('1m')", "Advance the clock 1 minute", "+1m", verb="advance"),
            _k("2", "advance('10m')", "Advance the clock 10 minutes", "+10m", verb="advance"),
            _k("3", "advance('31m')", "Advance the clock 31 minutes (past the idle timeout)", "+31m", verb="advance"),
            _k("4", "advance('1h')", "Advance the clock 1 hour", "+1h", verb="advance"),
            _k("5", "advance('1d')", "Advance the clock 1 day", "+1d", verb="advance"),
            _k("plus", "advance_by", "Advance the clock by any duration", "any", "+", verb="advance"),
        ),
    ),
    KeyGroup(
        "attack",
        (
            _k("m", "tamper", "Tamper with the session cookie", "tamper", verb="tamper"),
            _k("c", "steal", "Steal the cookies into the other browser (attacker)", "steal", verb="steal"),
            _k("x", "xss", "XSS: script reads document.cookie for the other browser", "XSS", verb="xss"),
            _k("k", "clear_cookies", "Clear the chosen browser's cookies", "clear cookies", verb="clear_cookies"),
        ),
    ),
    KeyGroup(
        "browser",
        (
            _k("b", "next_browser", "Act as the next browser", "next"),
            _k("B", "add_browser", "Add a browser", "new"),
            _k("K", "next_kind", "Next kind for this browser: chromium, firefox, safari", "kind"),
            _k(
                "C",
                "close_browser",
                "Close and reopen this browser (session cookies go)",
                "close",
                verb="close_browser",
            ),
            _k("s", "toggle_cross_site", "Cross-site requests on/off", "cross-site"),
            _k("h", "toggle_scheme", "Send over http instead of https (and back)", "http(s)"),
        ),
    ),
    KeyGroup(
        "revoke",
        (
            _k(
                "E",
                "sign_out_everywhere",
                "Sign the chosen user out everywhere (revoke all their sessions)",
                "sign out everywhere",
                verb="sign_out_everywhere",
            ),
            _k(
                "N",
                "rotate_secret",
                "Rotate the server's secret (old tokens stop verifying)",
                "new secret",
                verb="rotate_secret",
            ),
        ),
    ),
    KeyGroup(
        "run",
        (
            _k("R", "restart_server", "Restart the server", "restart server", verb="restart_server"),
            _k("j", "toggle_strategy", "Switch database/jwt (asks: the run restarts)", "database/jwt"),
            _k("O", "options", "All engine options (the run restarts)", "options"),
            _k("ctrl+r", "reset", "Reset: start the run again (asks first)", "reset", "^r"),
            _k("e", "export", "Export a run as a scenario file", "export"),
        ),
    ),
)

#: With several servers side by side (a scenario's `servers:`), the key that picks the server the next
#: request, login or server event goes to; shown first in the "browser" group only then.
SERVER_KEY = _k("v", "next_server", "Send to the next server (a scenario with several servers)", "next server")


def with_server_key(groups: tuple[KeyGroup, ...]) -> tuple[KeyGroup, ...]:
    """``groups`` with :data:`SERVER_KEY` first in the "browser" group, or in a group of its own when
    there is none (for a run of several servers)."""
    if not any(g.title == "browser" for g in groups):
        return (*groups, KeyGroup("server", (SERVER_KEY,)))
    return tuple(KeyGroup(g.title, (SERVER_KEY, *g.keys)) if g.title == "browser" else g for g in groups)


#: The key that turns the key panel's page when it cannot show every key at once.
MORE_KEYS = "n"


__all__ = ["KEY_GROUPS", "MORE_KEYS", "SERVER_KEY", "with_server_key"]
