"""`tutor review`: the review cards due now, from every lesson, in the app (:mod:`tutor.review` makes and
schedules them). With nothing due it says so, and when the next card is due, and exits 0 without the app.
"""

from __future__ import annotations

import argparse

from tutor.commands.common import error, note, out


def run(args: argparse.Namespace) -> int:
    from tutor.progress import ProgressError, ProgressStore
    from tutor.review import SLOW_SECONDS, ReviewDeck, due_items, when

    try:
        store = ProgressStore.open()
    except ProgressError as exc:
        return error("review", str(exc))
    with store:
        if store.notice:
            note(f"notice: {store.notice}")
        try:
            deck = ReviewDeck(store)
            summary = deck.synced_summary()
            due = deck.due(summary.now) if summary.due else []
        except ProgressError as exc:
            return error("review", str(exc))
    # only cards whose lesson and question can still be found can be asked
    items, gone = due_items(due, getattr(args, "lessons", None) or [])
    if not items:
        if gone:
            out(f"Nothing to review: {len(gone)} due card{'s belong' if len(gone) != 1 else ' belongs'} to lessons or "
                "questions that are gone (kept in your progress; a lesson folder may need --lessons DIR).")
        elif summary.cards and summary.next_due is not None:
            cards = f"{summary.cards} card{'s' if summary.cards != 1 else ''}"
            out(f"Nothing to review: no card is due now. The next of your {cards} is due {when(summary.next_due, summary.now)}.")
        else:
            out("Nothing to review yet: cards come from questions you miss, need a hint for, "
                f"or take more than {SLOW_SECONDS:.0f} seconds to answer.")
        return 0
    from tutor.ui.terminal import terminal_problem

    problem = terminal_problem()
    if problem is not None:
        count = f"{len(items)} card{'s are' if len(items) != 1 else ' is'} due"
        return error("review", f"{count}, but {problem.split(';')[0]}",
                     "run `tutor review` in a terminal; `tutor progress` shows the due counts anywhere")
    from tutor.ui.app import TutorApp  # Textual is imported only when there is something to review

    app = TutorApp(extra_dirs=getattr(args, "lessons", None) or [], review=True)
    app.run()
    return int(app.return_code or 0)
