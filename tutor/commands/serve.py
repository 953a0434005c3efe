"""`tutor serve`: the app in a web browser, through textual-serve (the optional `[web]` extra).

Safe by default. textual-serve starts one `tutor` process for every websocket that connects, with no
login; a page on any other site could open one and drive it. :class:`TutorServer` (a small subclass of
``textual_serve.server.Server``) adds:

* **A secret token**, made at start and printed in the URL (``http://localhost:8000/?token=…``, as
  Jupyter does). The page needs it, and the websocket lives at ``/ws/<token>``; without it: 403.
* **Origin and Host checks**: a websocket whose ``Origin`` is not this server is refused (403), and on a
  loopback host a request whose ``Host`` is not a loopback name with this port is refused (a DNS
  rebinding page cannot reach the server through its own domain name).
* **A limit on concurrent sessions** (``--max-sessions``, default :data:`DEFAULT_MAX_SESSIONS`): one more
  gets 503 and a page that says so.
* **A loud warning** when ``--host`` is not a loopback address: then anyone who can reach the port and
  learns the URL drives the app as the user running the server.
* **A folder per session**: each session's `tutor` runs in a fresh ``0700`` folder under ``--exports``
  (default ``<progress folder>/served``), so a playground export lands there, never in the server's
  working folder, and sessions never overwrite each other's files.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from tutor.commands.common import error, note, problems
from tutor.commands.serve_checks import COLUMNS, MAX_FRAME, ROWS, BadMessage, Redact, check_message, clamp, is_loopback
from tutor.commands.serve_server import (
    DEFAULT_MAX_SESSIONS,
    GRACE,
    HEADER_TIMEOUT,
    LEARNER_ENV,
    SESSION_DIR_ENV,
    SHUTDOWN_TIMEOUT,
)
from tutor.commands.serve_server import make_server_class as _make_server_class  # tests replace it here

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_SESSIONS",
    "GRACE",
    "HEADER_TIMEOUT",
    "LEARNER_ENV",
    "MAX_FRAME",
    "ROWS",
    "SESSION_DIR_ENV",
    "SHUTDOWN_TIMEOUT",
    "BadMessage",
    "Redact",
    "check_message",
    "clamp",
    "default_exports_dir",
    "is_loopback",
    "run",
    "session_command",
]


def session_command(executable: str, lesson_dirs: list[str], *, windows: bool = False) -> str:
    """The shell command each session runs: `tutor` in the session's own folder."""
    tutor = f"{shlex.quote(executable)} -m tutor"
    for folder in lesson_dirs:
        # each browser tab runs its own `tutor`: give it the same extra lesson folders
        tutor += f" --lessons {shlex.quote(os.path.abspath(folder))}"
    if windows:
        return f'cd /d "%{SESSION_DIR_ENV}%" && {tutor}'
    return f'cd -- "${SESSION_DIR_ENV}" && exec {tutor}'


def default_exports_dir() -> Path:
    from tutor.progress import default_path

    return default_path().parent / "served"


def _warn_public(host: str, port: int) -> None:
    bar = "!" * 78
    note(
        f"{bar}\n"
        f"WARNING: --host {host} is not a loopback address: anyone who can reach port {port} on this machine\n"
        "and learns the URL below (with its token) runs Session Tutor as YOU, and its traffic is not\n"
        "encrypted (plain http). Use the default --host localhost unless you mean to share it.\n"
        f"{bar}"
    )


def run(args: argparse.Namespace) -> int:
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        return error(
            "serve",
            "textual-serve is not installed; install it with: "
            "pip install 'session-tutor[web]' (from a clone of the repository: pip install '.[web]')",
        )
    max_sessions = getattr(args, "max_sessions", DEFAULT_MAX_SESSIONS)  # ranges checked by argparse (exit 2)
    exports = Path(getattr(args, "exports", None) or default_exports_dir()).expanduser().resolve()
    from tutor.files import make_private_dirs

    try:  # made now, so a folder that cannot be made fails here, not at each browser session
        make_private_dirs(exports)
    except OSError as exc:
        return error("serve", f"--exports {exports}: cannot create the folder: {exc.strerror or exc}")
    roster = None
    if getattr(args, "roster", None) is not None:
        from tutor.roster import RosterError, read_roster

        learners_dir = Path(args.learners).expanduser().resolve() if getattr(args, "learners", None) else None
        try:
            roster = read_roster(args.roster, learners_dir)
        except RosterError as exc:
            return problems(exc.problems)
    elif getattr(args, "learners", None) is not None:
        args.usage_error("--learners goes with --roster")  # exits 2
    if not is_loopback(args.host):
        _warn_public(args.host, args.port)
    lessons_env = os.environ.get("TUTOR_LESSONS")
    if lessons_env:  # sessions run in their own folders: relative lesson folders must not change meaning
        os.environ["TUTOR_LESSONS"] = os.pathsep.join(
            os.path.abspath(os.path.expanduser(d)) if d.strip() else d for d in lessons_env.split(os.pathsep)
        )
    command = session_command(sys.executable, list(getattr(args, "lessons", [])), windows=os.name == "nt")
    server = _make_server_class()(
        command, host=args.host, port=args.port, exports=exports, max_sessions=max_sessions, roster=roster
    )
    try:
        server.serve()
    except OSError as exc:  # the port is taken, or the host is not this machine's
        return error(
            "serve",
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            "choose another --port (or stop the program using it)",
        )
    return 0
