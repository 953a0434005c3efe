"""`tutor serve`: the app in a web browser, through textual-serve (the optional `[web]` extra)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys


def run(args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        print(
            "tutor serve: error: textual-serve is not installed; install it with: "
            "pip install 'session-tutor[web]' (from a clone of the repository: pip install '.[web]')",
            file=sys.stderr,
        )
        return 1
    if not 0 < args.port < 65536:
        print(f"tutor serve: error: --port must be 1-65535, not {args.port}", file=sys.stderr)
        return 1
    command = f"{shlex.quote(sys.executable)} -m tutor"
    for folder in getattr(args, "lessons", []):
        # each browser tab runs its own `tutor`: give it the same extra lesson folders
        command += f" --lessons {shlex.quote(os.path.abspath(folder))}"
    print(f"Serving Session Tutor on http://{args.host}:{args.port} (Ctrl+C stops)", file=sys.stderr)
    Server(command, host=args.host, port=args.port, title="Session Tutor").serve()
    return 0
