"""`tutor show LESSON`: print a lesson (table, tracker, narration, questions) without the app.

`tutor show capture.har`: a browser's HAR capture replayed (:mod:`tutor.capture`), same formats."""

from __future__ import annotations

import sys
from pathlib import Path

from tutor.commands.common import error, out, problems, read_capture


def run(args) -> int:
    from tutor.capture.load import is_capture

    if is_capture(args.lesson):
        return _capture(args)
    if args.format == "scenario" or args.browser or args.third_party or args.session_cookie or args.show_values:
        return error(
            "show",
            "--browser, --third-party, --session-cookie, --show-values and --format scenario are for a HAR capture",
        )
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


def _capture(args) -> int:
    from tutor.capture.render import RENDERERS

    path = Path(args.lesson)
    replayed, failed = read_capture("show", args)
    if failed is not None:
        return failed
    if args.format == "scenario":  # a lesson holding the scenario: `tutor check` takes it, `tutor simulate` runs it
        from tutor.capture.export import lesson_id, lesson_yaml

        out(lesson_yaml(replayed, path.name, lesson=lesson_id(path.stem)), end="")
        return 0
    # the renderers pass every piece of capture text through visible() (JSON: tutor.lesson.visible.dumps);
    # out() applies it once more (a no-op on visible text)
    out(RENDERERS[args.format](replayed), end="")
    return 0
