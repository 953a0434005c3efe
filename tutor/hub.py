"""Session Tutor in JupyterHub: the ``tutor`` entry point of jupyter-server-proxy (the ``[hub]`` extra).

``pyproject.toml`` registers :func:`setup_tutor` under ``jupyter_serverproxy_servers``; jupyter-server-proxy
calls it once when a user's single-user server starts, puts a "Session Tutor" card in that user's JupyterLab
launcher, and, the first time ``/user/NAME/tutor/`` is opened, starts ``python -m tutor.hub --port PORT``
(:func:`main`): `tutor serve`'s server (:mod:`tutor.commands.serve`) on ``127.0.0.1``, one `tutor` process
per browser tab, run as that user with that user's environment, so progress lands in that user's home (the
usual progress folder) and the xAPI actor is that user's hub account (:func:`tutor.lesson.xapi.agent`).

Why no token in the URL here: JupyterHub logs the user in, and jupyter-server-proxy forwards a request to us
only after the single-user server has checked it (``ProxyHandler.prepare``: an authenticated user allowed on
*this* user's server; a websocket's ``Origin`` checked too, ``check_origin``). What that leaves open is the
port itself: another account on the same machine (LocalProcessSpawner runs every hub user on one host) could
connect to ``127.0.0.1:PORT`` directly. So :func:`setup_tutor` makes a secret that jupyter-server-proxy adds to
every request it forwards (``request_headers_override``, header :data:`PROXY_HEADER`) and that the server reads
from its environment (:data:`PROXY_TOKEN_ENV`; a process's environment is readable by its user only, its
command line by everyone): a request without it gets 403. The learner never sees it.

Under the proxy the page lives at ``/user/NAME/tutor/`` while the server sees ``/`` (``absolute_url`` False:
the prefix is stripped), so the page names its websocket and assets relatively (``ws``, ``static/``): they
resolve under the prefix, whatever the hub's base URL, host or scheme (a relative websocket URL: WHATWG
WebSockets, Chromium 125+, Firefox 124+, Safari 17.3+).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from typing import Any

#: The header jupyter-server-proxy adds to every request it forwards to the tutor's server.
PROXY_HEADER = "X-Session-Tutor-Proxy"
#: The environment variable that gives the tutor's server the same secret (removed before sessions start).
PROXY_TOKEN_ENV = "TUTOR_PROXY_SECRET"
#: The launcher card's icon, shipped in the package.
ICON = Path(__file__).with_name("hub-icon.svg")
#: Seconds jupyter-server-proxy waits for the server to answer (its default, 5 s, is short on a busy hub).
START_TIMEOUT = 60


def setup_tutor() -> dict[str, Any]:
    """The jupyter-server-proxy server process config (docs: "Server Process options")."""
    secret = secrets.token_urlsafe(32)
    return {
        "command": [sys.executable, "-m", "tutor.hub", "--port", "{port}"],
        "environment": {PROXY_TOKEN_ENV: secret},
        "request_headers_override": {PROXY_HEADER: secret},
        "absolute_url": False,
        "timeout": START_TIMEOUT,
        "new_browser_tab": True,
        "launcher_entry": {"enabled": True, "title": "Session Tutor", "icon_path": str(ICON)},
    }


def _make_hub_server_class() -> type:
    """`tutor serve`'s server, behind jupyter-server-proxy: the proxy's secret instead of a URL token."""
    import hmac

    from aiohttp import web

    from tutor.commands.serve_server import make_server_class

    base: Any = make_server_class()

    class HubServer(base):  # built at run time: textual-serve is optional
        def __init__(self, *args: Any, secret: str, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.secret = secret
            # the browser's Host and Origin are the hub's (server-proxy forwards them): compare them with
            # each other, as for a public host; the secret keeps everyone else out
            self.loopback = False

        def _from_proxy(self, request: web.Request) -> bool:
            given = request.headers.get(PROXY_HEADER, "")
            return hmac.compare_digest(given.encode(), self.secret.encode())

        @web.middleware
        async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
            if not self._from_proxy(request):
                return web.Response(status=403, text="Session Tutor: open it from your JupyterHub launcher.\n")
            return await handler(request)

        def _learner(self, given: str | None) -> tuple[bool, Any]:
            return True, None  # every request passed _guard: the one learner of this user's server

        async def on_startup(self, app: web.Application) -> None:
            from tutor.commands.common import note

            user = os.environ.get("JUPYTERHUB_USER", "?")
            note(
                f"Serving Session Tutor for JupyterHub user {user} on {self.host}:{self.port} "
                f"behind jupyter-server-proxy; exports go under {self.exports}"
            )

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            if self.sessions >= self.max_sessions:
                return self._full()
            try:
                font_size = int(request.query.get("fontsize", "16"))
            except ValueError:
                font_size = 16
            context = {  # relative: they resolve under /user/NAME/tutor/, the prefix the server never sees
                "font_size": font_size,
                "app_websocket_url": "ws",
                "config": {"static": {"url": "static/"}},
                "application": {"name": self.title},
            }
            return self._render_page(request, context)

    return HubServer


def main(argv: list[str] | None = None) -> int:
    """``python -m tutor.hub --port PORT``: what jupyter-server-proxy starts (never by hand)."""
    parser = argparse.ArgumentParser(prog="python -m tutor.hub", description="Session Tutor behind JupyterHub")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    from tutor.commands.common import error

    secret = os.environ.pop(PROXY_TOKEN_ENV, "")  # popped: the sessions' `tutor` processes never see it
    if len(secret) < 32:
        return error("hub", f"{PROXY_TOKEN_ENV} is not set: this is started by jupyter-server-proxy")
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        return error("hub", "textual-serve is not installed; install it with: pip install 'session-tutor[hub]'")
    from tutor.commands.serve import default_exports_dir, session_command
    from tutor.files import make_private_dirs

    exports = default_exports_dir()
    try:
        make_private_dirs(exports)
    except OSError as exc:
        return error("hub", f"{exports}: cannot create the folder: {exc.strerror or exc}")
    command = session_command(sys.executable, [])
    server = _make_hub_server_class()(command, host="127.0.0.1", port=args.port, exports=exports, secret=secret)
    try:
        server.serve()
    except OSError as exc:
        return error("hub", f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
