"""`tutor serve`'s server: :class:`TutorServer`, a small subclass of ``textual_serve.server.Server`` (see
:mod:`tutor.commands.serve` for what it adds and why), and :class:`SessionService`, one session's `tutor`
process in its own folder. Built on first use by :func:`make_server_class` (textual-serve is the optional
`[web]` extra); what a client may send and which hosts are loopback are :mod:`tutor.commands.serve_checks`'."""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from typing import Any, cast

from tutor.commands.common import note
from tutor.commands.serve_checks import (
    COLUMNS,
    MAX_FRAME,
    ROWS,
    BadMessage,
    Redact,
    check_message,
    clamp,
    host_only,
    is_loopback,
    port_of,
)
from tutor.roster import Learner

#: How many browser sessions may run at once unless ``--max-sessions`` says otherwise.
DEFAULT_MAX_SESSIONS = 3
#: The environment variable that tells a session's shell which folder to run `tutor` in.
SESSION_DIR_ENV = "TUTOR_SERVE_SESSION_DIR"
#: The environment variable that names a roster learner to their session's `tutor`.
LEARNER_ENV = "TUTOR_LEARNER"
#: Seconds a session's process has to quit when its socket closes (then terminate; then kill).
GRACE = 5.0
#: Seconds a connection may take to send a complete request (a client that dribbles its headers, or sends
#: none, is closed then; aiohttp's keep-alive timer runs from the connection's start). Also the idle time
#: of a keep-alive connection.
HEADER_TIMEOUT = 10.0
#: Seconds the server waits on stop (SIGTERM, Ctrl-C) for its sessions to end before cancelling them.
SHUTDOWN_TIMEOUT = 2 * GRACE


def _die_with_parent() -> None:
    """In a session's child, before exec: SIGTERM when the server process dies (Linux; elsewhere nothing)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def make_server_class() -> type:
    """:class:`TutorServer` (built on first use: textual-serve is an optional dependency)."""
    import asyncio
    import hmac
    import logging
    import tempfile

    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    log = logging.getLogger("textual-serve")

    class SessionService(AppService):
        """One session's `tutor` process, run in its own folder."""

        def __init__(self, *args: Any, session_dir: Path, learner: Learner | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.session_dir = session_dir
            self.learner = learner

        async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
            """textual-serve's, with the child told (Linux ``PR_SET_PDEATHSIG``) to end when the server dies,
            even by SIGKILL: no session outlives its server."""
            environment = self._build_environment(width=width, height=height)
            self._process = process = await asyncio.create_subprocess_shell(
                self.command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=environment,
                preexec_fn=_die_with_parent,
            )
            self._stdin = process.stdin
            return process

        async def stop(self) -> None:
            """Ask the app to quit; a process still running after :data:`GRACE` seconds is terminated, then
            killed: a session's process never outlives its socket."""
            try:
                await asyncio.wait_for(super().stop(), GRACE)
            except (TimeoutError, OSError, RuntimeError):
                pass
            process = self._process
            if process is not None and process.returncode is None:
                try:
                    process.terminate()
                    await asyncio.wait_for(process.wait(), GRACE)
                except TimeoutError:
                    process.kill()
                    await process.wait()
                except ProcessLookupError:
                    pass

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            environment = super()._build_environment(width=width, height=height)
            environment[SESSION_DIR_ENV] = str(self.session_dir)
            if self.learner is not None:  # the learner's own progress file, review deck and lesson cache
                environment["TUTOR_HOME"] = str(self.learner.home)
                environment[LEARNER_ENV] = self.learner.name
            return environment

    class TutorServer(Server):
        """textual-serve's server with a token, Origin/Host checks, a session limit and per-session folders."""

        def __init__(
            self,
            command: str,
            *,
            host: str,
            port: int,
            exports: Path,
            max_sessions: int = DEFAULT_MAX_SESSIONS,
            token: str | None = None,
            title: str = "Session Tutor",
            roster: list[Learner] | None = None,
        ) -> None:
            super().__init__(
                command, host=host, port=port, title=title, templates_path=Path(__file__).parent / "serve_templates"
            )
            self.token = token or secrets.token_urlsafe(24)
            #: token -> learner (``None``: the one learner of a server without ``--roster``)
            self.learners: dict[str, Learner | None] = (
                {secrets.token_urlsafe(24): learner for learner in roster} if roster else {self.token: None}
            )
            self.max_sessions = max_sessions
            self.exports = exports
            self.sessions = 0
            self.opened = 0
            self.loopback = is_loopback(host)
            #: the websockets of the running sessions: closed when the server stops
            self.sockets: set[web.WebSocketResponse] = set()

        # -- what is printed ---------------------------------------------------------------------
        @property
        def url(self) -> str:
            """The URL to open, token included."""
            return f"{self.public_url}/?token={self.token}"

        def learner_urls(self) -> list[tuple[Learner, str]]:
            """Each roster learner and their own URL (with their token)."""
            return [
                (learner, f"{self.public_url}/?token={token}")
                for token, learner in self.learners.items()
                if learner is not None
            ]

        async def on_startup(self, app: web.Application) -> None:
            sessions = (
                f"at most {self.max_sessions} session{'s' if self.max_sessions != 1 else ''} at once; Ctrl+C stops"
            )
            urls = self.learner_urls()
            if not urls:
                note(
                    f"Serving Session Tutor on {self.url}\n"
                    f"  open that URL (it carries this server's secret token); {sessions}\n"
                    f"  playground exports go to a folder per session under {self.exports}"
                )
                return
            width = max(len(learner.name) for learner, _ in urls)
            lines = [
                f"Serving Session Tutor for {len(urls)} learner{'s' if len(urls) != 1 else ''} on {self.public_url}",
                "  give each learner their own URL (it carries their secret token; it opens their progress only):",
            ]
            lines += [f"  {learner.name:<{width}}  {url}" for learner, url in urls]
            folder = urls[0][0].home.parent
            lines.append(f"  {sessions}; each learner's progress and exports are in {folder}/NAME")
            note("\n".join(lines))

        async def on_shutdown(self, app: web.Application) -> None:
            """On stop (SIGTERM, Ctrl-C): close every session's socket, so each session ends its process
            (quit, terminate, kill) before the server exits, instead of waiting out aiohttp's timeout."""
            await asyncio.gather(
                *(ws.close(code=1001, message=b"server stopping") for ws in list(self.sockets)),
                return_exceptions=True,
            )

        def serve(self, debug: bool = False) -> None:
            """textual-serve's, with a deadline for a request's headers (:data:`HEADER_TIMEOUT`) and for
            the sessions to end on stop (:data:`SHUTDOWN_TIMEOUT`)."""
            import signal

            from aiohttp.web_runner import GracefulExit

            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)

            def request_exit() -> None:
                raise GracefulExit()

            for signum in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.add_signal_handler(signum, request_exit)
                except (NotImplementedError, RuntimeError):
                    pass
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=lambda *args: None,
                keepalive_timeout=HEADER_TIMEOUT,
                shutdown_timeout=SHUTDOWN_TIMEOUT,
            )

        def initialize_logging(self) -> None:
            """Plain lines on stderr (one per request and per session), every token redacted; no
            tracebacks with locals (textual-serve's RichHandler shows them, tokens and all)."""
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
            handler.addFilter(Redact(list(self.learners)))
            root = logging.getLogger()
            root.handlers[:] = [handler]
            root.setLevel(logging.DEBUG if self.debug else logging.INFO)

        async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
            """textual-serve's loop with every message typed and bounded; a bad one closes this session only."""
            from aiohttp import WSMsgType

            async for message in websocket:
                if message.type == WSMsgType.BINARY:
                    reason = "a binary frame"
                elif message.type == WSMsgType.ERROR:  # aiohttp has closed it: a frame over MAX_FRAME, say
                    log.warning("session closed: bad message from the client: %s", message.data)
                    return
                elif message.type != WSMsgType.TEXT:
                    continue
                else:
                    try:
                        kind, value = check_message(message.data)
                    except BadMessage as bad:
                        reason = str(bad)
                    else:
                        if kind == "stdin":
                            await app_service.send_bytes(str(value).encode("utf-8"))
                        elif kind == "resize":
                            width, height = cast("tuple[int, int]", value)  # check_message: (width, height)
                            await app_service.set_terminal_size(width, height)
                        elif kind == "ping":
                            await websocket.send_json(["pong", value])
                        elif kind == "blur":
                            await app_service.blur()
                        elif kind == "focus":
                            await app_service.focus()
                        continue
                log.warning("session closed: bad message from the client: %s", reason)
                await websocket.close(code=1008, message=b"bad message")
                return

        # -- checks ------------------------------------------------------------------------------
        def _learner(self, given: str | None) -> tuple[bool, Learner | None]:
            """(is ``given`` a token of this server, whose it is); every token compared in constant time."""
            if given is None:
                return False, None
            found, whose = False, None
            for token, learner in self.learners.items():
                if hmac.compare_digest(given.encode(), token.encode()):
                    found, whose = True, learner
            return found, whose

        def _token_ok(self, given: str | None) -> bool:
            return self._learner(given)[0]

        def _host_ok(self, request: web.Request) -> bool:
            """On a loopback server, only loopback names with this port (no DNS rebinding)."""
            if not self.loopback:
                return True
            value = request.headers.get("Host", "")
            return is_loopback(host_only(value)) and port_of(value, 80) == self.port

        def _origin_ok(self, request: web.Request) -> bool:
            """A browser's ``Origin`` must be this server (the same host as the request, or a loopback name)."""
            origin = request.headers.get("Origin")
            if origin is None:
                return True  # not a browser: the token decides
            from yarl import URL

            try:
                parsed = URL(origin)
            except ValueError:
                return False
            if parsed.scheme not in ("http", "https") or not parsed.host:
                return False
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
            if self.loopback:
                return is_loopback(parsed.host) and port == self.port
            host = request.headers.get("Host", "")
            return parsed.host.lower() == host_only(host).lower() and port == port_of(host, 80)

        @web.middleware
        async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
            if not self._host_ok(request):
                return web.Response(status=403, text="Session Tutor: this server answers only on its own address.\n")
            return await handler(request)

        def _full(self) -> web.Response:
            return web.Response(
                status=503,
                text=f"Session Tutor: all {self.max_sessions} sessions of this server are in use; "
                "close another tab and reload (or start the server with a larger --max-sessions).\n",
            )

        # -- routes ------------------------------------------------------------------------------
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(self._guard)
            # textual-serve's own /ws stays: handle_websocket refuses it (it carries no token)
            app.router.add_get("/ws/{token}", self.handle_websocket, name="session")
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            token = request.query.get("token")
            if token is None or not self._token_ok(token):  # (_token_ok(None) is False too)
                return web.Response(
                    status=403,
                    text="Session Tutor: this page needs the URL `tutor serve` printed, with its ?token=...\n",
                )
            if self.sessions >= self.max_sessions:
                return self._full()
            router = request.app.router
            base = self.public_url
            ws = router["session"].url_for(token=token)
            try:
                font_size = int(request.query.get("fontsize", "16"))
            except ValueError:
                font_size = 16
            context = {
                "font_size": font_size,
                "app_websocket_url": ("wss:" if base.startswith("https") else "ws:") + f"{base}{ws}".split(":", 1)[1],
                "config": {"static": {"url": f"{base}{router['static'].url_for(filename='/')}".rstrip("/") + "/"}},
                "application": {"name": self.title},
            }
            return self._render_page(request, context)

        def _render_page(self, request: web.Request, context: dict[str, Any]) -> web.StreamResponse:
            """The page from ``context``, with the headers every served page carries."""
            response = aiohttp_jinja2.render_template("app_index.html", request, context)
            # the URL carries the token: never send it on as a Referer, never cache it, never frame the page
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
            return response

        def _new_session_dir(self, learner: Learner | None) -> Path:
            from tutor.files import make_private_dirs

            exports = self.exports if learner is None else learner.exports
            make_private_dirs(exports)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            return Path(tempfile.mkdtemp(prefix=f"session-{stamp}-", dir=exports))  # 0700, never reused

        # a refusal is a plain HTTP answer: textual-serve's stub says WebSocketResponse, aiohttp takes any
        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
            known, learner = self._learner(request.match_info.get("token"))
            if not known or not self._origin_ok(request):
                return web.Response(status=403, text="Session Tutor: not allowed.\n")
            if not web.WebSocketResponse().can_prepare(request).ok:
                return web.Response(status=400, text="Session Tutor: this address takes a websocket only.\n")
            if self.sessions >= self.max_sessions:
                return self._full()
            try:
                session_dir = self._new_session_dir(learner)
            except OSError as exc:
                log.error(
                    "cannot create a session folder under %s: %s",
                    self.exports if learner is None else learner.exports,
                    exc,
                )
                return web.Response(status=500, text="Session Tutor: cannot create the session's folder.\n")
            self.sessions += 1
            self.opened += 1
            number = self.opened
            who = learner.name if learner is not None else "-"
            log.info("session %d opened (learner %s; %d of %d running)", number, who, self.sessions, self.max_sessions)
            try:
                return await self._run_session(request, session_dir, learner)
            finally:
                self.sessions -= 1
                log.info("session %d closed (learner %s; %d running)", number, who, self.sessions)
                try:
                    session_dir.rmdir()  # only when nothing was exported
                except OSError:
                    pass

        async def _run_session(
            self, request: web.Request, session_dir: Path, learner: Learner | None
        ) -> web.WebSocketResponse:
            # as textual-serve's own handle_websocket, with the session's folder
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_FRAME)
            width = clamp(request.query.get("width", "80"), COLUMNS, 80)
            height = clamp(request.query.get("height", "24"), ROWS, 24)
            app_service: AppService | None = None
            try:
                await websocket.prepare(request)
                self.sockets.add(websocket)
                app_service = SessionService(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                    session_dir=session_dir,
                    learner=learner,
                )
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:
                log.exception(error)
            finally:
                self.sockets.discard(websocket)
                if app_service is not None:
                    await app_service.stop()
            return websocket

    return TutorServer
