"""The `tutor` command line: a thin shell over the engine, the lessons and the app.

Start-up matters: this module imports nothing heavy. Each subcommand lives in
``tutor/commands/<name>.py`` and is imported only when it runs, so `tutor check` never imports Textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from tutor import __version__
from tutor.engine.scenario import BROWSER_KINDS, THIRD_PARTY_POLICY_NAMES
from tutor.lesson.modes import MODE_NAMES


def _add_capture_options(p: argparse.ArgumentParser) -> None:
    """The options of a HAR capture (`tutor show capture.har`, `tutor open capture.har`)."""
    p.add_argument(
        "--browser",
        choices=("chromium", "firefox", "safari"),
        default=None,
        help="capture: replay as this browser kind (default: the one that made the capture)",
    )
    p.add_argument(
        "--third-party",
        choices=THIRD_PARTY_POLICY_NAMES,
        default=None,
        help="capture: the browser's third-party cookie policy, allow, block or partition (default: block for "
        "headless Chromium, else the kind's: chromium allow, firefox partition, safari block)",
    )
    p.add_argument("--session-cookie", metavar="NAME", default=None, help="capture: the session cookie's name")
    p.add_argument(
        "--show-values", action="store_true", help="capture: show cookie values (default: a short hash of each)"
    )


def _add_lessons_option(p: argparse.ArgumentParser, *, top: bool = False) -> None:
    # A subcommand's copy has its own dest (argparse would otherwise let the subparser's list replace
    # the top-level one); main() merges both into args.lessons.
    p.add_argument(
        "--lessons",
        dest="lessons" if top else "sub_lessons",
        metavar="DIR",
        action="append",
        default=[],
        help="an extra folder of lessons (repeatable; TUTOR_LESSONS adds more, separated by ':')",
    )


def _number(kind: type, low: float | None = None, high: float | None = None, what: str = ""):
    """An argparse ``type=``: a number within ``[low, high]``; anything else is a usage error (exit 2)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what or 'a number'}, not {text!r}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {what}, not {text}")
        return value

    return parse


def _xapi_mbox(text: str) -> str:
    """An argparse ``type=`` for ``--actor``: one well-formed ``mailto:`` IRI, else a usage error (exit 2)."""
    from tutor.lesson.xapi import ActorError, mbox

    try:
        return mbox(text)
    except ActorError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _command(sub, name: str, summary: str, description: str, examples: list[str]) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with examples."""
    p = sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog="examples:\n" + "\n".join(f"  {line}" for line in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(usage_error=p.error)  # for options that are wrong only together (exit 2, like argparse)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description="Session Tutor: learn how web sessions work by running them. "
        "With no command, opens the lesson picker.",
        epilog="examples:\n  tutor                          the lesson picker\n"
        "  tutor open session-lifecycle   the first lesson\n"
        "  tutor COMMAND --help           a command's options and examples\n\n"
        "exit codes: 0 ok, 1 bad input or a failed check, 2 a usage error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_lessons_option(parser, top=True)
    # in the README's order (a test keeps them in step)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(
        sub,
        "open",
        "open a lesson in the app",
        "Open a lesson (built-in id or path) in the app.",
        [
            "tutor open session-lifecycle",
            "tutor open expiry --mode test",
            "tutor open my-lesson.yaml --watch      reload whenever the file changes",
            "tutor open my-lesson --lessons ./lessons",
        ],
    )
    p.add_argument("lesson", metavar="LESSON", help="a built-in lesson id or a path to a lesson file")
    p.add_argument(
        "--mode", choices=MODE_NAMES, default="walkthrough", help="the mode to open in (default: walkthrough)"
    )
    p.add_argument(
        "--step",
        type=_number(int, 0, what="a step number, 0 or more"),
        default=None,
        help="start the walkthrough at this step",
    )
    p.add_argument("--watch", action="store_true", help="reload the lesson when its file changes")
    _add_capture_options(p)
    _add_lessons_option(p)

    p = _command(
        sub,
        "simulate",
        "run a scenario and print its trace",
        "Run a scenario file through the session engine and print its trace.",
        [
            "tutor simulate theft.yaml",
            "tutor simulate theft.yaml --format json > trace.json",
        ],
    )
    p.add_argument("file", metavar="FILE", help="a scenario YAML file (engine: and events:)")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = _command(
        sub,
        "cookie",
        "what browsers do with a Set-Cookie header",
        "For each Set-Cookie header value: stored or refused in each browser kind, and why (RFC 6265bis,\n"
        "in the words of the rule), then which requests would carry it: a same-site GET, a cross-site\n"
        "GET (a link), a cross-site POST (a form) and a cross-site image or fetch (third-party).",
        [
            "tutor cookie 'sid=1; Domain=.org; Secure'",
            "tutor cookie 'theme=dark; Expires=Fri 07 Aug 2019' 'sid=abc; HttpOnly; Secure; SameSite=Lax'",
            "tutor cookie 'sid=1; Secure; SameSite=None' --browser chromium --third-party block",
            "tutor cookie 'sid=1; Path=/app' --url http://shop.example/app/cart --format json",
        ],
    )
    p.add_argument(
        "headers",
        metavar="HEADER",
        nargs="+",
        help="a Set-Cookie header's value (quote it: NAME=VALUE; attributes); each is judged on its own",
    )
    p.add_argument(
        "--url",
        default="https://app.example/",
        help="where the response came from (default: https://app.example/); the requests go there too",
    )
    p.add_argument(
        "--browser",
        choices=BROWSER_KINDS,
        default=None,
        help="only this browser kind (default: chromium, firefox and safari)",
    )
    p.add_argument(
        "--third-party",
        choices=THIRD_PARTY_POLICY_NAMES,
        default=None,
        help="cookies on cross-site images/fetches: allow, block or partition "
        "(default from the kind: chromium allow, firefox partition, safari block)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = _command(
        sub,
        "check",
        "validate lesson files",
        "Validate lesson files and folders; exit 0 when all are valid, 1 when any is not.",
        [
            "tutor check my-lesson.yaml",
            "tutor check lessons/",
        ],
    )
    p.add_argument("paths", metavar="PATH", nargs="+", help="lesson files or folders")

    p = _command(
        sub,
        "new",
        "write a new lesson to start from",
        "Write a commented lesson that passes `tutor check`.",
        [
            "tutor new my-lesson                   writes my-lesson.yaml",
            "tutor new my-lesson -o lessons/my-lesson.yaml",
            "tutor new my-lesson -o -              print it instead",
        ],
    )
    p.add_argument("id", metavar="ID", help="the new lesson's id (lower-case letters, digits, dashes)")
    p.add_argument("--output", "-o", metavar="FILE", help="where to write it (default: ID.yaml; - for stdout)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    _command(
        sub,
        "schema",
        "print the JSON Schema of the lesson format",
        "Print the JSON Schema of the lesson format.",
        [
            "tutor schema > lesson.schema.json     for editor completion",
        ],
    )

    p = _command(
        sub,
        "show",
        "print a lesson without the full-screen app",
        "Print a lesson: its table, tracker, narration and questions.",
        [
            "tutor show session-lifecycle",
            "tutor show expiry --format markdown > expiry.md",
            "tutor show capture.har                 a browser's HAR capture, replayed",
            "tutor show capture.har --format scenario > mine.yaml",
        ],
    )
    p.add_argument("lesson", metavar="LESSON", help="a built-in lesson id, a path, or a HAR capture (FILE.har)")
    p.add_argument(
        "--format",
        choices=("text", "markdown", "json", "scenario"),
        default="text",
        help="scenario (captures only): the capture as a lesson to start from (its redacted scenario): `tutor check` takes it",
    )
    _add_capture_options(p)
    _add_lessons_option(p)

    p = _command(
        sub,
        "list",
        "list the available lessons",
        "List the available lessons.",
        [
            "tutor list",
            "tutor list --lessons ./lessons --format json",
        ],
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    _add_lessons_option(p)

    p = _command(
        sub,
        "progress",
        "show (or reset) your progress",
        "Show your progress: steps reached, answers and test scores; or export it as xAPI statements.",
        [
            "tutor progress",
            "tutor progress --format xapi --actor mailto:alice@example.org > statements.json",
            "tutor progress --reset --yes          delete it without asking",
            "tutor progress --roster class.txt     the teacher's view: learner x lesson",
            "tutor progress --send http://127.0.0.1:8100/xAPI/   to a Learning Record Store",
        ],
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "xapi"),
        default="text",
        help="text (default), json, or xapi: xAPI 1.0.3 statements for a Learning Record Store",
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--actor",
        metavar="IRI",
        type=_xapi_mbox,
        help="with --format xapi: who the statements are about (mailto:NAME@DOMAIN; default: your user name)",
    )
    who.add_argument(
        "--actor-account",
        metavar=("HOMEPAGE", "NAME"),
        nargs=2,
        default=None,
        help="with --format xapi: the learner's account instead (xAPI 2.4.2.1), such as https://lms.example.org/ alice",
    )
    p.add_argument(
        "--pass-mark",
        metavar="PERCENT",
        type=_number(float, 0, 100, what="a percentage 0-100"),
        default=None,
        help="with --format xapi: the test score that counts as passed (default: 70)",
    )
    p.add_argument(
        "--roster",
        metavar="FILE",
        help="the teacher's view: every learner of this roster (as "
        "`tutor serve --roster FILE` served them), one table learner x lesson",
    )
    p.add_argument(
        "--learners",
        metavar="DIR",
        help="the learners' folders (default: the progress folder's learners/); alone: every learner folder in DIR",
    )
    p.add_argument(
        "--actor-domain",
        metavar="DOMAIN",
        help="with --roster or --learners and --format xapi: "
        "each learner's actor is mailto:NAME@DOMAIN (default: this machine's host name)",
    )
    p.add_argument(
        "--send",
        metavar="ENDPOINT",
        help="post the xAPI statements to a Learning Record Store "
        "(its xAPI base, e.g. http://127.0.0.1:8100/xAPI/; credentials from TUTOR_LRS_USERNAME and "
        "TUTOR_LRS_PASSWORD); implies --format xapi, sends nothing twice",
    )
    p.add_argument("--reset", action="store_true", help="clear all progress (asks first)")
    p.add_argument("--yes", "-y", action="store_true", help="with --reset: do not ask")
    _add_lessons_option(p)

    p = _command(
        sub,
        "review",
        "review the questions that are due (spaced repetition)",
        "Review the cards due now, from every lesson, in the app (questions you missed, needed a hint\n"
        "for, or answered slowly, scheduled by FSRS). With nothing due, says so and exits 0.\n"
        '--ahead asks cards not due yet as well (Anki\'s "review ahead").',
        [
            "tutor review",
            "tutor review --ahead                  also the cards not due yet (review ahead)",
            "tutor review --ahead 3                also the cards due in the next 3 days",
            "tutor review --lessons ./lessons      include cards from your own lessons",
        ],
    )
    p.add_argument(
        "--ahead",
        metavar="DAYS",
        nargs="?",
        const=0,
        default=None,
        type=_number(int, 1, 36500, what="a number of days, 1 or more"),
        help="after the due cards, also ask those not due yet (within DAYS days; without DAYS, all "
        "of them), soonest first; FSRS rates each answer as an early review",
    )
    _add_lessons_option(p)

    p = _command(
        sub,
        "serve",
        "serve the app in a web browser (needs the [web] extra)",
        "Serve the app in a web browser with textual-serve.",
        [
            "tutor serve",
            "tutor serve --port 8080",
            "tutor serve --roster class.txt        one URL per learner, each their own progress",
        ],
    )
    p.add_argument("--host", default="localhost")
    p.add_argument("--port", type=_number(int, 1, 65535, what="a port 1-65535"), default=8000)
    p.add_argument(
        "--max-sessions",
        type=_number(int, 1, what="a number, 1 or more"),
        default=3,
        metavar="N",
        help="browser sessions at once (default: 3)",
    )
    p.add_argument(
        "--exports",
        metavar="DIR",
        help="where each session's folder (for playground exports) is made (default: the progress folder's served/)",
    )
    p.add_argument(
        "--roster",
        metavar="FILE",
        help="a class: one learner name per line; prints one URL per learner, "
        "each with its own token, progress, review deck and exports folder",
    )
    p.add_argument(
        "--learners",
        metavar="DIR",
        help="with --roster: where each learner's folder is made (default: the progress folder's learners/)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.lessons = [*args.lessons, *getattr(args, "sub_lessons", [])]
    for folder in args.lessons:
        if not os.path.isdir(folder):
            from tutor.commands.common import error

            why = "not a folder" if os.path.exists(folder) else "no such folder"
            return error(args.command or "", f"--lessons {folder}: {why}")
    name = args.command or "picker"
    module = importlib.import_module(f"tutor.commands.{name}")
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # e.g. `tutor show x | head`: stop quietly (no stdout left for the interpreter to flush at exit)
        sys.stdout = None
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
