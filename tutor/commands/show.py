"""`tutor show LESSON`: print a lesson (table, tracker, narration, questions) without the app."""

from __future__ import annotations

import sys


def run(args) -> int:
    from tutor.lesson.catalog import UnknownLesson, resolve
    from tutor.lesson.loader import LoadError, load_lesson
    from tutor.lesson.render import RENDERERS

    try:
        path = resolve(args.lesson, getattr(args, "lessons", None) or [])
    except UnknownLesson as exc:
        print(f"tutor show: {exc}", file=sys.stderr)
        return 2
    try:
        loaded = load_lesson(path)
    except LoadError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    sys.stdout.write(RENDERERS[args.format](loaded))
    return 0
