"""`tutor show LESSON`: print a lesson (table, tracker, narration, questions) without the app."""

from __future__ import annotations

import sys

from tutor.commands.common import error, problems


def run(args) -> int:
    from tutor.lesson.catalog import UnknownLesson, resolve
    from tutor.lesson.loader import LoadError, load_lesson
    from tutor.lesson.render import RENDERERS

    try:
        path = resolve(args.lesson, getattr(args, "lessons", None) or [])
    except UnknownLesson as exc:
        return error("show", str(exc), *([exc.hint] if exc.hint else []))
    try:
        loaded = load_lesson(path)
    except LoadError as exc:
        return problems(exc.problems)
    # the renderers pass every piece of lesson text through visible() (JSON: tutor.lesson.visible.dumps)
    sys.stdout.write(RENDERERS[args.format](loaded))
    return 0
