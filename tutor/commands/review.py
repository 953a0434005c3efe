"""`tutor review`: the review cards due now, from every lesson, in the app (:mod:`tutor.review` makes and
schedules them). With nothing due it says so, and when the next card is due, and exits 0 without the app.
`--ahead [DAYS]` also asks cards not due yet (all, or those due within DAYS days): FSRS rates each answer as
an early review.
"""

from __future__ import annotations

import argparse
import math

from tutor.commands.common import error, note, out


def ahead_days(args: argparse.Namespace) -> float | None:
    """``--ahead``: None without it; the days it looks ahead (infinite: every card not due yet)."""
    value = getattr(args, "ahead", None)
    if value is None:
        return None
    return math.inf if value == 0 else float(value)


def run(args: argparse.Namespace) -> int:
    from tutor.progress import ProgressError, ProgressStore
    from tutor.review import SLOW_SECONDS, ReviewDeck, due_items, when

    ahead = ahead_days(args)
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
            if ahead is not None:
                due += deck.ahead(ahead, summary.now)
        except ProgressError as exc:
            return error("review", str(exc))
        finally:
            for line in store.problems:  # rows this version never writes: left out
                note(line)
    # only cards whose lesson and question can still be found can be asked
    items, gone = due_items(due, getattr(args, "lessons", None) or [])
    if not items:
        if gone:
            out(
                f"Nothing to review: {len(gone)} {'due ' if ahead is None else ''}card"
                f"{'s belong' if len(gone) != 1 else ' belongs'} to lessons or "
                "questions that are gone (kept in your progress; a lesson folder may need --lessons DIR)."
            )
        elif summary.cards and summary.next_due is not None:
            cards = f"{summary.cards} card{'s' if summary.cards != 1 else ''}"
            if ahead is not None:
                out(
                    f"Nothing to review: no card is due within {ahead:g} day{'s' if ahead != 1 else ''}. "
                    f"The next of your {cards} is due {when(summary.next_due, summary.now)}."
                )
            else:
                out(
                    f"Nothing to review: no card is due now. The next of your {cards} is due "
                    f"{when(summary.next_due, summary.now)} (tutor review --ahead asks it now)."
                )
        else:
            out(
                "Nothing to review yet: cards come from questions you miss, need a hint for, "
                f"or take more than {SLOW_SECONDS:.0f} seconds to answer."
            )
        return 0
    from tutor.ui.terminal import terminal_problem

    problem = terminal_problem()
    if problem is not None:
        count = f"{len(items)} card{'s are' if len(items) != 1 else ' is'} {'due' if ahead is None else 'to review'}"
        return error(
            "review",
            f"{count}, but {problem.split(';')[0]}",
            "run `tutor review` in a terminal; `tutor progress` shows the due counts anywhere",
        )
    from tutor.ui.app import TutorApp  # Textual is imported only when there is something to review

    app = TutorApp(extra_dirs=getattr(args, "lessons", None) or [], review=True, review_ahead=ahead)
    app.run()
    return int(app.return_code or 0)
