"""One quiz's state and rules, without a screen: which questions, in which order their choices come,
what a learner may do next, and what an answer or a test comes to.

Everything that decides the quiz lives in this module; :class:`tutor.ui.widgets.quiz.QuizView` only
shows a :class:`QuizSession` and records what it reports. Pure Python (no Textual, no Rich), so every
rule is tested without a terminal (``tests/test_quiz_session.py``). Grading itself (is a choice right,
what a test scores, which questions a test draws) is :mod:`tutor.lesson.grading`'s; this module applies it.

The rules:

* **Questions.** Visual: the lesson's trace questions; practice: every question that is not a predict
  question; test: :func:`grading.test_questions` drawn with the attempt's seed, preferring questions not
  answered right in the previous attempt; review (or any ``questions=`` given): those, in that order.
* **Choice order.** A seeded shuffle (:func:`grading.choice_order`) in every mode, the same for the same
  seed on every machine: authors tend to write the right choice first, and a learner must not learn
  "it is usually a)". ``shuffle=False`` keeps file order (a test always shuffles).
* **Seeds.** Practice, visual and review use the given seed (default 0). A test's first attempt uses the
  given seed and each retake adds 1; with no seed given, attempt *n* of the lesson uses
  :func:`grading.attempt_seed` ``(lesson, n)``, *n* counted from the recorded attempts when there are any.
* **Answers.** A question is answered once a choice is picked and submitted. Visual and review: one try,
  the verdict and the right answer shown at once. Practice: a wrong answer may be tried once more
  (:data:`PRACTICE_TRIES`), or its answer revealed; both tries are reported. Test: nothing is revealed
  before the end; after an answer the next unanswered question comes; when all are answered the test is
  finished, and finishing early counts the unanswered questions as wrong.
* **Hints.** One more at a time, until the question's hints run out, never after the answer.
* **Time.** Each question's seconds on screen, summed over its visits until it is answered (the caller
  passes the times: the quiz has no clock of its own).
* **Trace.** The visual quiz and a review show the trace up to :func:`context_step` and highlight that
  row; the other modes show none. For a trace question that row is the last of its ``steps:`` (the
  moment the question starts from), else its answer's row: an author who asks what follows from a row
  points ``steps:`` at it and ``answer:`` at a later row, so the highlighted row does not hold the answer.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tutor.lesson import grading
from tutor.lesson.model import Lesson, Question

QuizMode = Literal["visual", "practice", "test", "review"]
MODES: tuple[QuizMode, ...] = ("visual", "practice", "test", "review")
#: How many questions a test asks.
TEST_LENGTH = 10
#: Tries a practice question allows (the first wrong one is reported as wrong).
PRACTICE_TRIES = 2
#: Actions a learner may take, asked of :meth:`QuizSession.allows`.
Action = Literal[
    "choose", "submit", "retry", "reveal", "hint", "next", "previous", "see_step", "focus_link", "finish", "retake"
]


def context_step(question: Question) -> int | None:
    """The row of the execution table the trace is shown up to and highlighted for ``question``.

    A trace question: the last step of its ``steps:`` (the row the question starts from), else its
    answer's row. A predict question: the row before the predicted one. Any other: the last step it
    names. None when it names none."""
    if question.answer is not None:
        return int(question.steps[-1]) if question.steps else int(question.answer.step)
    if question.predict is not None:
        return int(question.predict) - 1 or None
    steps = [int(s) for s in question.steps]
    return max(steps) if steps else None


@dataclass
class AnswerState:
    """What the learner has done with one question."""

    chosen: set[int] = field(default_factory=set)
    """Original (file-order) indices of the chosen choices."""
    hints: int = 0
    """How many hints are shown."""
    submitted: bool = False
    correct: bool = False
    tries: int = 0
    """Answers submitted so far (practice allows a second try after a wrong one)."""
    revealed: bool = False
    """The verdict, the right answer and the solution are shown (not in a test before its end)."""
    seconds: float = 0.0
    """Time this question was on screen before the current try, while the learner looked at others."""
    shown_at: float | None = None
    """When the question was last shown (the caller's clock), while it is on screen and not submitted."""


@dataclass(frozen=True)
class Submitted:
    """What one submitted answer comes to (what the caller records and announces)."""

    question: Question
    correct: bool
    chosen: tuple[int, ...]
    """File-order indices, sorted."""
    hints_used: int
    seconds: float
    finished: bool
    """The answer completed a test (every question answered): :attr:`QuizSession.result` is its score."""


class QuizSession:
    """The questions of one lesson in one mode, and what the learner has done with them."""

    def __init__(
        self,
        lesson: Lesson,
        mode: QuizMode,
        *,
        seed: int | None = None,
        shuffle: bool = True,
        questions: Sequence[Question] | None = None,
        recorded_attempts: int | None = None,
        right_last_time: Collection[str] = (),
    ) -> None:
        """``recorded_attempts``: the lesson's test attempts already recorded (None: nothing is recorded,
        so attempts are counted here); ``right_last_time``: questions answered right in the last of them."""
        if mode not in MODES:
            raise ValueError(f"unknown quiz mode {mode!r}")
        self.lesson = lesson
        self.mode: QuizMode = mode
        self.given_seed = seed
        self.seed = seed if seed is not None else 0
        self.shuffle = shuffle or mode == "test"
        self._given_questions = list(questions) if questions is not None else None
        self.attempts_here = 0
        """Test attempts drawn in this session."""
        self.attempt_number = 0
        self.attempt_id: int | None = None
        """The recorded attempt's id, once the caller recorded it (:meth:`attempt_recorded`)."""
        self.right_last_time: frozenset[str] = frozenset()
        self.questions: list[Question] = []
        self.states: list[AnswerState] = []
        self.orders: list[list[int]] = []
        """Per question, the file-order index of the choice shown at each position."""
        self.index = 0
        self.finished = False
        self.result: grading.TestScore | None = None
        self._load(recorded_attempts, set(right_last_time))

    # -- the questions ---------------------------------------------------------------------------------
    def _load(self, recorded_attempts: int | None, right: set[str]) -> None:
        if self._given_questions is not None:
            questions = list(self._given_questions)
        elif self.mode == "visual":
            questions = grading.visual_questions(self.lesson)
        elif self.mode == "practice":
            questions = grading.practice_questions(self.lesson)
        else:
            questions = self._draw_test(recorded_attempts, right)
        self.questions = questions
        self.states = [AnswerState() for _ in questions]
        if self.shuffle:
            self.orders = [list(grading.choice_order(q, self.seed)) for q in questions]
        else:
            self.orders = [list(range(len(q.choices))) for q in questions]
        self.index = 0
        self.finished = False
        self.result = None

    def _draw_test(self, recorded_attempts: int | None, right: set[str]) -> list[Question]:
        self.attempts_here += 1
        self.attempt_number = recorded_attempts + 1 if recorded_attempts is not None else self.attempts_here
        if self.given_seed is not None:
            self.seed = self.given_seed + self.attempts_here - 1
        else:
            self.seed = grading.attempt_seed(self.lesson.id, self.attempt_number)
        self.attempt_id = None
        self.right_last_time = frozenset(right)
        return grading.test_questions(self.lesson, self.seed, count=TEST_LENGTH, right_last_time=right)

    def retake(self, recorded_attempts: int | None = None) -> None:
        """A finished test asked again: a new seed, preferring the questions not answered right just now."""
        right = {q.id for q, s in zip(self.questions, self.states, strict=True) if s.submitted and s.correct}
        self._load(recorded_attempts, right)

    def attempt_recorded(self, attempt_id: int, number: int) -> None:
        """The caller recorded this test attempt (on its first answer) as ``number`` with ``attempt_id``."""
        self.attempt_id = attempt_id
        self.attempt_number = number

    @property
    def question_ids(self) -> list[str]:
        return [q.id for q in self.questions]

    @property
    def question(self) -> Question | None:
        return self.questions[self.index] if self.questions else None

    @property
    def state(self) -> AnswerState | None:
        return self.states[self.index] if self.states else None

    @property
    def order(self) -> list[int]:
        """The current question's choices in display order (file-order indices)."""
        return self.orders[self.index] if self.orders else []

    @property
    def unanswered(self) -> int:
        return sum(1 for s in self.states if not s.submitted)

    @property
    def answered(self) -> int:
        return sum(1 for s in self.states if s.submitted)

    def trace_step(self, question: Question) -> int | None:
        """The row the trace is shown up to for ``question`` (None: no trace)."""
        if self.mode == "visual":
            return context_step(question) if question.answer is not None else None
        if self.mode == "review":
            return context_step(question)
        return None

    def shows_links(self) -> bool:
        """Step links are offered (not in a test or a review: they would give answers away)."""
        return self.mode not in ("test", "review")

    # -- what may be done ------------------------------------------------------------------------------
    def can_retry(self, st: AnswerState | None = None) -> bool:
        st = st if st is not None else self.state
        return (
            st is not None
            and self.mode == "practice"
            and st.submitted
            and not st.correct
            and not st.revealed
            and st.tries < PRACTICE_TRIES
        )

    def allows(self, action: str, number: object = None) -> bool:
        """May the learner take ``action`` now (``number``: the position chosen, 1-based)?"""
        q, st = self.question, self.state
        if action == "retake":
            return self.mode == "test" and self.finished
        if q is None or st is None or self.finished:
            return False
        if action == "choose":
            return not st.submitted and isinstance(number, int) and 1 <= number <= len(q.choices)
        if action == "submit":
            return not st.submitted and bool(st.chosen)
        if action in ("retry", "reveal"):
            return self.can_retry(st)
        if action == "hint":
            return not st.submitted and st.hints < len(q.hints)
        if action == "next":
            return self.index < len(self.questions) - 1
        if action == "previous":
            return self.index > 0
        if action in ("see_step", "focus_link"):
            return bool(q.steps) and self.shows_links()
        if action == "finish":
            return self.mode == "test" and self.unanswered > 0
        return True

    # -- doing it --------------------------------------------------------------------------------------
    def choose(self, number: int) -> bool:
        """Pick (or, in a multiple-answer question, toggle) the choice shown at ``number`` (1-based)."""
        if not self.allows("choose", number):
            return False
        q, st = self.question, self.state
        assert q is not None and st is not None
        original = self.order[number - 1]
        if q.multiple:
            st.chosen ^= {original}
        else:
            st.chosen = {original}
        return True

    def shown(self, now: float) -> None:
        """The current question is on screen from ``now`` (its time runs until it is answered or left)."""
        st = self.state
        if st is not None and not st.submitted and st.shown_at is None:
            st.shown_at = now

    def stop_timer(self, index: int, now: float) -> float:
        """The question at ``index`` leaves the screen (or is answered): its seconds on screen so far."""
        if not 0 <= index < len(self.states):
            return 0.0
        st = self.states[index]
        if st.shown_at is not None:
            st.seconds += max(0.0, now - st.shown_at)
            st.shown_at = None
        return round(st.seconds, 3)

    def go(self, index: int, now: float) -> None:
        """Show the question at ``index`` (the one left stops its timer)."""
        if not 0 <= index < len(self.questions):
            raise IndexError(index)
        self.stop_timer(self.index, now)
        self.index = index

    def submit(self, now: float) -> Submitted | None:
        """Answer the current question with its chosen choices (None when that is not allowed now)."""
        if not self.allows("submit"):
            return None
        q, st = self.question, self.state
        assert q is not None and st is not None
        seconds = self.stop_timer(self.index, now)
        st.seconds = 0.0
        st.submitted = True
        st.tries += 1
        st.correct = grading.is_correct(q, sorted(st.chosen))
        st.revealed = self.mode != "test" and (st.correct or st.tries >= PRACTICE_TRIES or self.mode != "practice")
        finished = False
        if self.mode == "test":
            if all(s.submitted for s in self.states):
                self.finish()
                finished = True
            else:
                nxt = self.next_unanswered()
                if nxt is not None:
                    self.index = nxt
        return Submitted(q, st.correct, tuple(sorted(st.chosen)), st.hints, seconds, finished)

    def next_unanswered(self) -> int | None:
        n = len(self.states)
        for k in range(1, n + 1):
            i = (self.index + k) % n
            if not self.states[i].submitted:
                return i
        return None

    def retry(self) -> bool:
        """Practice: a second try after a wrong answer (the first stays reported as wrong)."""
        if not self.allows("retry"):
            return False
        st = self.state
        assert st is not None
        st.submitted = False
        st.correct = False
        st.chosen = set()
        return True

    def reveal(self) -> bool:
        """Practice: no second try; show the answer and the solution."""
        if not self.allows("reveal"):
            return False
        st = self.state
        assert st is not None
        st.revealed = True
        return True

    def hint(self) -> bool:
        if not self.allows("hint"):
            return False
        st = self.state
        assert st is not None
        st.hints += 1
        return True

    def finish(self) -> grading.TestScore:
        """Score the test; a question not answered scores as wrong (its hints cost nothing more)."""
        answers = [
            grading.TestAnswer(question_id=q.id, correct=s.submitted and s.correct, hints_used=s.hints)
            for q, s in zip(self.questions, self.states, strict=True)
        ]
        self.result = grading.score_test(answers)
        self.finished = True
        return self.result

    # -- for the score ---------------------------------------------------------------------------------
    def hints_used(self) -> int:
        return sum(s.hints for s in self.states)

    def hint_cost(self) -> float:
        """Points the hints cost over the test (a wrong answer's hints cost nothing)."""
        return sum(
            grading.question_points(s.correct, 0) - grading.question_points(s.correct, s.hints) for s in self.states
        )


__all__ = [
    "MODES",
    "PRACTICE_TRIES",
    "TEST_LENGTH",
    "AnswerState",
    "QuizMode",
    "QuizSession",
    "Submitted",
    "context_step",
]
