"""`tutor`: the lesson picker (the full-screen app)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from tutor.ui.app import TutorApp  # Textual is imported only when the app runs

    app = TutorApp(extra_dirs=getattr(args, "lessons", None) or [])
    app.run()
    return int(app.return_code or 0)
