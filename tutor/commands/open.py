"""`tutor open LESSON`: open a lesson (built-in id or path) in the app, in a mode."""

from __future__ import annotations

import argparse
import sys

from tutor.cli import MODES


def run(args: argparse.Namespace) -> int:
    from tutor.lesson.catalog import UnknownLesson, resolve
    from tutor.lesson.loader import LoadError, load_lesson_cached

    extra = getattr(args, "lessons", None) or []
    try:
        path = resolve(args.lesson, extra)
    except UnknownLesson as exc:
        print(f"tutor open: error: {exc}", file=sys.stderr)
        return 1
    try:
        loaded = load_lesson_cached(path)  # content-keyed: an edited lesson is always loaded afresh
    except LoadError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{path}: error: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if args.mode not in MODES:
        print(f"tutor open: error: unknown mode {args.mode!r}", file=sys.stderr)
        return 1
    step = args.step
    if step is not None:
        if step < 0:
            print(f"tutor open: error: --step must be 0 or more, not {step}", file=sys.stderr)
            return 1
        if step > len(loaded.steps):
            print(f"tutor open: error: --step {step} is past the last step ({len(loaded.steps)})", file=sys.stderr)
            return 1

    from tutor.ui.app import TutorApp  # Textual is imported only once the lesson is known to be good

    app = TutorApp(extra_dirs=extra, lesson=loaded, mode=args.mode, step=step, watch=args.watch)
    app.run()
    return int(app.return_code or 0)
