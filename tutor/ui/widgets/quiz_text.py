"""What the quiz view writes, as Rich text: a choice's line, the solution, a test's score and review.

Pure rendering of a :class:`~tutor.lesson.quiz_session.QuizSession`'s state (no Textual, no rules).
Lesson text (prompts, choices, hints, solutions ...) always goes through :func:`tutor.ui.text.literal`,
so an author's ``[bold]`` or an escape sequence is shown as typed, never interpreted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.syntax import Syntax
from rich.text import Text

from tutor.lesson import grading
from tutor.lesson.model import Lesson, Question
from tutor.lesson.quiz_session import AnswerState, QuizSession
from tutor.ui.text import literal

LETTERS = grading.LETTERS


def header(session: QuizSession, title: str) -> str:
    """The quiz's top line: the mode, where the learner is, the difficulty and the hints taken."""
    q, st = session.question, session.state
    assert q is not None and st is not None
    total = len(session.questions)
    line = f"{title} · question {session.index + 1} of {total} · {q.difficulty}"
    if session.mode == "review":  # one card at a time: the review screen counts the cards
        line = f"Review · {q.difficulty}"
    if session.mode == "test":
        line = (
            f"Test · attempt {session.attempt_number} · question {session.index + 1} of {total} · {q.difficulty}"
            f" · answered {session.answered}/{total}"
        )
    if q.hints:
        line += f" · hints {st.hints}/{len(q.hints)}"
    return line


def kind(session: QuizSession, lesson: Lesson) -> str:
    """What to do with the question. Where an answer is read is a hint's job (the question's first
    hint), never the prompt's: a pointer next to the question would give a trace question away."""
    q, st = session.question, session.state
    assert q is not None and st is not None
    if st.submitted and session.mode == "test":
        return "Answer saved; the test shows results at the end."
    return "Choose all that apply, then press Enter." if q.multiple else "Choose one, then press Enter."


def choices_text(q: Question, order: Sequence[int], picked: Iterable[int]) -> Text:
    """``a) TEXT; c) TEXT``: the ``picked`` choices (file-order indices) with their letters on screen."""
    return Text("; ").join(Text.assemble(f"{LETTERS[order.index(i)]}) ", literal(q.choices[i].text)) for i in picked)


def feedback_text(q: Question, order: Sequence[int], st: AnswerState) -> Text | None:
    """The feedback of each chosen choice that has some, in screen order."""
    notes = [
        Text.assemble(f"{LETTERS[order.index(i)]}) ", literal(q.choices[i].feedback or ""))
        for i in sorted(st.chosen, key=order.index)
        if q.choices[i].feedback
    ]
    return Text("\n").join(notes) if notes else None


def hints_text(q: Question, shown: int) -> Text:
    return Text("\n").join(Text.assemble(f"Hint {i}: ", literal(h)) for i, h in enumerate(q.hints[:shown], 1))


def solution_text(q: Question, order: Sequence[int], *, with_steps: bool) -> Text:
    """The right answer (with the worked solution and common mistakes when ``with_steps``)."""
    parts: list[Text] = []
    answer = Text("Answer: ", style="bold")
    answer.append_text(choices_text(q, order, [i for i in order if q.choices[i].correct]))
    if with_steps and q.solution:
        parts.append(Text("Solution", style="bold"))
        parts.extend(Text.assemble(f"  {n}. ", literal(s)) for n, s in enumerate(q.solution, 1))
    parts.append(answer)
    if with_steps and q.mistakes:
        parts.append(Text("Common mistakes", style="bold"))
        parts.extend(Text.assemble("  • ", literal(m)) for m in q.mistakes)
    return Text("\n").join(parts)


def code_text(source: str, language: str, *, dark: bool) -> Text:
    """A question's code, highlighted by Pygments with the terminal's ANSI palette.

    Only foreground colours are kept, so the code sits on the theme's own background (light or dark).
    """
    code = literal(source).plain.rstrip("\n")
    syntax = Syntax(code, language or "text", theme="ansi_dark" if dark else "ansi_light")
    text = syntax.highlight(code)
    text.style = ""
    text.rstrip()
    return text


def score_summary(session: QuizSession) -> Text:
    result = session.result
    assert result is not None
    total = len(session.questions)
    skipped = session.unanswered
    return Text.assemble(
        ("Score: ", "bold"),
        (f"{grading.format_points(result.points)} of {total} points", "bold"),
        f" ({grading.format_percentage(result.percentage)})",
        f"\n{result.correct} of {total} answers right · hints used: {session.hints_used()}"
        f" (cost {grading.format_points(session.hint_cost())} points)",
        f"\nFinished early: {skipped} unanswered counted as wrong." if skipped else "",
        "\nPress r to retake with other questions; the review of every question follows.",
    )


def review_item(n: int, q: Question, st: AnswerState, order: Sequence[int]) -> Text:
    """One question in a finished test's review: the verdict, the prompt, the answer given, the solution."""
    yours = [i for i in order if i in st.chosen] if st.submitted else []
    body = Text.assemble(
        (f"{n}. {'✓' if st.correct else '✗'} ", "bold"),
        literal(q.prompt),
        "\n   Your answer: ",
        choices_text(q, order, yours) if yours else Text("(no answer)"),
        "\n",
    )
    solution = solution_text(q, order, with_steps=True)
    body.append_text(Text("\n").join(Text("   ") + line for line in solution.split("\n")))
    if st.hints:
        body.append(f"\n   Hints used: {st.hints}")
    return body


__all__ = [
    "header",
    "kind",
    "choices_text",
    "code_text",
    "feedback_text",
    "hints_text",
    "review_item",
    "score_summary",
    "solution_text",
]
