"""`tutor open LESSON`: open a lesson (built-in id or path) in the app, in a mode."""

from __future__ import annotations

import argparse

from tutor.commands.common import error, problems
from tutor.lesson.modes import MODE_NAMES as MODES


def run(args: argparse.Namespace) -> int:
    from tutor.capture.load import is_capture

    if is_capture(args.lesson):
        return _capture(args)
    if args.browser or args.third_party or args.session_cookie or args.show_values:
        return error("open", "--browser, --third-party, --session-cookie and --show-values are for a HAR capture")
    from tutor.lesson.catalog import UnknownLesson, resolve
    from tutor.lesson.loader import LoadError, load_lesson_cached

    extra = getattr(args, "lessons", None) or []
    try:
        path = resolve(args.lesson, extra)
    except UnknownLesson as exc:
        return error("open", str(exc), *([exc.hint] if exc.hint else []))
    try:
        loaded = load_lesson_cached(path)  # content-keyed: an edited lesson is always loaded afresh
    except LoadError as exc:
        return problems(exc.problems)
    except OSError as exc:
        return error("open", f"{path}: {exc.strerror or exc}")
    if args.mode not in MODES:
        return error("open", f"unknown mode {args.mode!r}", "modes: " + ", ".join(MODES))
    step = args.step
    if step is not None:
        if step > len(loaded.steps):
            return error("open", f"--step {step} is past the last step ({len(loaded.steps)})")

    from tutor.ui.app import TutorApp  # Textual is imported only once the lesson is known to be good

    thresholds = _quiet_gc()
    app = TutorApp(extra_dirs=extra, lesson=loaded, mode=args.mode, step=step, watch=args.watch)
    app.gc_thresholds = thresholds
    app.run()
    return int(app.return_code or 0)


def _quiet_gc() -> tuple[int, int, int]:
    """Startup makes many objects that live as long as the app (modules, styles, widgets): freezing what
    is there and collecting young objects less often until the first frame saves the full collections
    that would walk them (bench/FINDINGS.md). The app restores the thresholds (returned) after its first
    frame (``TutorApp.gc_thresholds``)."""
    import gc

    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, thresholds[1], thresholds[2])
    return thresholds


def _capture(args: argparse.Namespace) -> int:
    """`tutor open capture.har`: the capture's walkthrough (no progress store, nothing cached)."""
    from pathlib import Path

    from tutor.capture.har import HarError
    from tutor.capture.lesson import MAX_SHOWN, capture_lesson
    from tutor.capture.load import open_capture
    from tutor.commands.common import capture_failed, capture_options

    if args.mode != "walkthrough" or args.watch:
        return error("open", "a capture opens as a walkthrough (no --mode, no --watch)")
    path = Path(args.lesson)
    options = capture_options(args)
    step = args.step or 0
    # a long capture opens in windows of MAX_SHOWN steps: the window that holds --step, replayed up to its end;
    # the first one from the file's first entries, the whole file checked after the first frame (open_capture)
    first = ((step - 1) // MAX_SHOWN) * MAX_SHOWN + 1 if step else 1
    try:
        replayed, capture = open_capture(path, **options, upto=first + MAX_SHOWN - 1, first_window=first == 1)
    except (HarError, OSError) as exc:
        return capture_failed("open", path, exc)
    try:
        if step > replayed.total:  # (not counted: the first window has MAX_SHOWN steps, --step is in it)
            return error("open", f"--step {step} is past the last step ({replayed.total})")
        loaded = capture_lesson(replayed, path, first=first)

        from tutor.ui.capture_app import CaptureApp

        thresholds = _quiet_gc()
        app = CaptureApp(
            loaded,
            replayed,
            step=step - first + 1 if step else None,
            first=first,
            load=capture.window,  # another window (`>` / `<` in the app): replayed on, or cut, not from the start
            confirm=None if replayed.counted else capture.confirm,
        )
        app.gc_thresholds = thresholds
        app.run()
    finally:
        capture.close()
    if app.late_error is not None:  # the whole-file check, after the first frame
        return capture_failed("open", path, app.late_error)
    return int(app.return_code or 0)
