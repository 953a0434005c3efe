"""What `tutor progress` reports about one learner's store (text, JSON, xAPI, review and challenge
summaries), shared by the single-learner command (`tutor.commands.progress`) and the teacher's view
(`tutor.commands.classview`), so neither imports the other.

Never imports Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor.lesson.grading import format_percentage

if TYPE_CHECKING:
    from tutor.progress import ProgressStore


def progress_xapi(
    store: ProgressStore, actor: dict[str, Any], extra_dirs: Any = (), pass_percent: float | None = None
) -> list[dict[str, Any]]:
    """Every record as an xAPI statement (:mod:`tutor.lesson.xapi`); a lesson whose walkthrough was
    followed to its last step is ``completed`` (when the lesson can still be found and loaded)."""
    from tutor.lesson import xapi

    lessons = _lessons(extra_dirs)  # the catalog is read once, for the titles and the step counts
    paths = {entry.id: entry.path for entry in lessons}
    completed: dict[str, float | None] = {}
    for lesson_id, p in store.summaries().items():
        total = _step_count(paths[lesson_id]) if lesson_id in paths else None
        if total and p.steps_reached >= total:
            completed[lesson_id] = None
    return xapi.statements(
        actor,
        store.answers(),
        store.tests(),
        challenges=store.challenge_runs(),
        titles=_titles(lessons),
        completed=completed,
        pass_percent=xapi.PASS_PERCENT if pass_percent is None else pass_percent,
    )


def _step_count(path: Any) -> int | None:
    """How many steps the lesson's walkthrough has; ``None`` when it cannot be loaded."""
    from tutor.lesson.loader import LoadError, load_lesson_cached

    try:
        return len(load_lesson_cached(path).steps)
    except (LoadError, OSError):
        return None


def _lesson_progress(store: ProgressStore) -> dict[str, Any]:
    """Every lesson with any progress (summaries, or challenge runs only), sorted by id."""
    from tutor.progress import LessonProgress

    summaries = store.summaries()
    for run in store.challenge_runs():
        summaries.setdefault(run.lesson_id, LessonProgress())
    return dict(sorted(summaries.items()))


def _best_challenges(store: ProgressStore) -> dict[str, dict[str, Any]]:
    """lesson id → challenge id → (best run, number of runs)."""
    from tutor.progress import best_runs

    runs = store.challenge_runs()
    counts: dict[tuple[str, str], int] = {}
    for r in runs:
        counts[(r.lesson_id, r.challenge_id)] = counts.get((r.lesson_id, r.challenge_id), 0) + 1
    out: dict[str, dict[str, Any]] = {}
    for (lid, cid), best in sorted(best_runs(runs).items()):
        out.setdefault(lid, {})[cid] = (best, counts[(lid, cid)])
    return out


def review_summary(store: ProgressStore) -> Any:
    """Review cards as they would be brought up to date with the answers recorded (:mod:`tutor.review`), and
    their counts, worked out without writing: viewing progress never changes the file."""
    from tutor.review import ReviewDeck

    return ReviewDeck(store).preview_summary()


def review_text(summary: Any) -> list[str]:
    """The Review section of the text: due counts, retention, and each lesson's cards; [] without cards."""
    from tutor.lesson.visible import visible
    from tutor.review import when

    if not summary.cards:
        return []
    head = f"Review (tutor review): {summary.due} of {summary.cards} card{'s' if summary.cards != 1 else ''} due now"
    if summary.next_due is not None:
        head += f"; next due {when(summary.next_due, summary.now)}"
    if summary.retention is None:
        kept = "retention: no reviews yet"
    else:
        kept = f"retention {format_percentage(100 * summary.retention)} ({summary.recalled} of {summary.reviews} reviews recalled)"
    kept += f"; predicted recall now {format_percentage(100 * summary.recall_now)}"
    width = max(len(visible(lid)) for lid in summary.lessons)
    lines = ["", head, "  " + kept]
    for lid, (cards, due) in summary.lessons.items():
        lines.append(f"  {visible(lid):<{width}}  {due} due of {cards} card{'s' if cards != 1 else ''}")
    return lines


def progress_json(store: ProgressStore) -> dict[str, Any]:
    """``{"lessons": {id: {steps_reached, answered, correct, best_score, answers, tests, challenges,
    challenge_runs}}, "review": {cards, due, next_due, reviews, recalled, retention, recall_now, lessons}}``;
    ``challenges`` holds each challenge's best run and how many runs it had; ``review`` the review cards'
    counts (:class:`tutor.review.ReviewSummary`, times in Unix seconds, retention and recall 0-1)."""
    review = review_summary(store)
    answers: dict[str, list[dict[str, Any]]] = {}
    for a in store.answers():
        answers.setdefault(a.lesson_id, []).append(a.to_json())
    tests: dict[str, list[dict[str, Any]]] = {}
    for t in store.tests():
        tests.setdefault(t.lesson_id, []).append(t.to_json())
    runs: dict[str, list[dict[str, Any]]] = {}
    for r in store.challenge_runs():
        runs.setdefault(r.lesson_id, []).append(r.to_json())
    best = _best_challenges(store)
    lessons: dict[str, Any] = {}
    for lesson_id, p in _lesson_progress(store).items():
        challenges = {}
        for cid, (record, count) in best.get(lesson_id, {}).items():
            entry = record.to_json()
            del entry["challenge_id"]
            entry["runs"] = count
            challenges[cid] = entry
        lessons[lesson_id] = {
            "steps_reached": p.steps_reached,
            "answered": p.answered,
            "correct": p.correct,
            "best_score": p.best_score,
            "answers": answers.get(lesson_id, []),
            "tests": tests.get(lesson_id, []),
            "challenges": challenges,
            "challenge_runs": runs.get(lesson_id, []),
        }
    return {"lessons": lessons, "review": review.to_json()}


def progress_text(store: ProgressStore, titles: dict[str, str] | None = None, *, width: int | None = None) -> str:
    """A table of lessons and a total line; ``No progress yet.`` when there is none.

    With ``width``, the table fits it: long titles are cut with ``…``, and the Title column is left out
    when even a short one would not fit.
    """
    from tutor.lesson.visible import visible

    review = review_summary(store)
    summaries = _lesson_progress(store)
    if not summaries:
        return "No progress yet.\n"
    titles = {lid: visible(t) for lid, t in (titles or {}).items()}
    show_titles = any(lid in titles for lid in summaries)
    numeric = ["Steps", "Answered", "Correct", "Best test", "Challenges"]
    challenges = _best_challenges(store)
    rows: list[list[str]] = []
    for lid, p in summaries.items():
        best = format_percentage(p.best_score) if p.best_score is not None else "-"
        solved = sum(1 for record, _ in challenges.get(lid, {}).values() if record.solved)
        won = f"{solved} solved" if lid in challenges else "-"
        rows.append(
            [visible(lid), titles.get(lid, ""), str(p.steps_reached), str(p.answered), str(p.correct), best, won]
        )
    headings = ["Lesson", "Title", *numeric]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]
    if width is not None and show_titles:
        shown = [i for i in range(len(widths)) if headings[i] != "Challenges" or challenges]
        others = sum(widths[i] for i in shown if i != 1) + 2 * (len(shown) - 1)
        room = width - others
        if room < len("Title") + 3:
            show_titles = False
        elif widths[1] > room:
            widths[1] = room
            for r in rows:
                if len(r[1]) > room:
                    r[1] = r[1][: room - 1] + "…"
    keep = [i for i in range(len(headings)) if (i != 1 or show_titles) and (headings[i] != "Challenges" or challenges)]
    answered = sum(p.answered for p in summaries.values())
    correct = sum(p.correct for p in summaries.values())
    tested = [p.best_score for p in summaries.values() if p.best_score is not None]
    count = len(summaries)
    total = f"Total: {count} lesson{'s' if count != 1 else ''}, {answered} answered, {correct} correct"
    if tested:
        total += f", {len(tested)} tested"
    solved_total = sum(1 for by_id in challenges.values() for record, _ in by_id.values() if record.solved)
    if challenges:
        total += f", {solved_total} challenge{'s' if solved_total != 1 else ''} solved"

    def line(cells: list[str]) -> str:
        parts = [cells[i].rjust(widths[i]) if headings[i] in numeric else cells[i].ljust(widths[i]) for i in keep]
        return "  ".join(parts).rstrip()

    out = [line(headings), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    out.append(total)
    if challenges:
        out += ["", "Challenges (best run):"]
        for lid, by_id in challenges.items():
            for cid, (record, count) in by_id.items():
                out.append("  " + challenge_line(visible(lid), visible(cid), record, count))
    out += review_text(review)
    return "\n".join(out) + "\n"


def challenge_line(lesson_id: str, challenge_id: str, record: Any, runs: int) -> str:
    """``login-and-rotation/fixation  ✓ ★★☆  3 events (par 3), 1 hint, 2 runs``."""
    from tutor.lesson.challenges import MAX_STARS

    mark = "✓" if record.solved else "✗"
    stars = "★" * record.stars + "☆" * (MAX_STARS - record.stars)
    hints = f"{record.hints_used} hint{'s' if record.hints_used != 1 else ''}"
    return (
        f"{lesson_id}/{challenge_id}  {mark} {stars}  {record.events} event{'s' if record.events != 1 else ''} "
        f"(par {record.par}), {hints}, {runs} run{'s' if runs != 1 else ''}"
    )


def _lessons(extra_dirs: Any = ()) -> list[Any]:
    """The catalog's valid lessons (``--lessons``, ``TUTOR_LESSONS``, built-ins); [] if unreadable."""
    try:
        from tutor.lesson import catalog

        return [entry for entry in catalog.entries(extra_dirs) if entry.valid]
    except Exception:  # titles and step counts are extras: an unreadable lesson folder must not stop `tutor progress`
        return []


def _titles(lessons: list[Any]) -> dict[str, str]:
    """Lesson titles by id."""
    return {entry.id: entry.title for entry in lessons if entry.title}


def deliver(statements: list[dict[str, Any]], send: str | None) -> int:
    """xAPI statements as JSON on stdout, or (``send``: an LRS's xAPI base) POSTed to that LRS with the
    credentials of ``TUTOR_LRS_USERNAME`` / ``TUTOR_LRS_PASSWORD`` (see :mod:`tutor.lrs`): one line says
    how many were stored and how many the LRS already had; a failure is one error line and exit 1."""
    from tutor.commands.common import error, note, out_json

    if send is None:
        out_json(statements)
        return 0
    from tutor import lrs

    if not statements:
        note(f"no records yet: nothing to send to {send}")
        return 0
    try:
        sent = lrs.send(send, statements, lrs.credentials())
    except lrs.SendError as exc:
        return error("progress", str(exc), "nothing was changed here; the same command sends them again")
    note(
        f"sent {sent.statements} statement{'s' if sent.statements != 1 else ''} to {send} in {sent.batches} "
        f"batch{'es' if sent.batches != 1 else ''}; their ids are fixed, so the LRS keeps each one once"
    )
    return 0
