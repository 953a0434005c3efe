"""The one way widgets write (and read) progress: a :class:`Recorder` owned by the app.

Quiz answers and test attempts (:class:`~tutor.ui.widgets.quiz.QuizView`), predict answers and the step
reached (the walkthrough), review grades and challenge results all go through its typed methods. It has
one error policy: a store that fails (the disk is full, the file became read-only, the database is
damaged) is said once, in the same line everywhere — ``Progress is no longer saved: <why>`` — and
recording stops for the rest of the session; the learner's screen goes on as if it had been saved.

A widget finds the recorder with :func:`recorder_of` (the app's, when the app is a :class:`RecordingApp`;
otherwise one that records nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from textual.app import App
from textual.dom import DOMNode

from tutor.lesson.visible import visible

if TYPE_CHECKING:
    from tutor.lesson.challenges import ChallengeOutcome
    from tutor.progress import AnswerRecord, AttemptRecord, ChallengeRecord, ProgressStore

T = TypeVar("T")

#: How the notice of a failed store starts (the reason follows).
FAILED = "Progress is no longer saved"
TITLE = "Progress store"


class Recorder:
    """Progress writes and reads with one error policy; ``store`` is ``None`` when nothing is recorded."""

    def __init__(self, store: ProgressStore | None = None, say: Callable[[str], None] | None = None) -> None:
        self._store = store
        self.opener: Callable[[], None] | None = None
        """Opens the store (and sets :attr:`store`) when it is first needed: set by an app that opens it
        a moment after its first frame; cleared once it ran."""
        self.say = say
        """Shows a notice (the app's toast); set by the app that owns the recorder."""
        self.failed: str | None = None
        """The notice given when the store failed (recording stopped then)."""

    @property
    def store(self) -> ProgressStore | None:
        """The store written to (None: nothing is recorded); a store still to be opened is opened now."""
        opener = self.opener
        if opener is not None:
            self.opener = None
            opener()
        return self._store

    @store.setter
    def store(self, store: ProgressStore | None) -> None:
        self._store = store

    @property
    def recording(self) -> bool:
        return self.store is not None

    @property
    def readonly(self) -> bool:
        return bool(self.store is not None and getattr(self.store, "readonly", False))

    def call(self, fn: Callable[[ProgressStore], T], default: T) -> T:
        """``fn(store)``; a failure is said once and recording stops (the one error policy)."""
        store = self.store
        if store is None:  # (no import: a recorder without a store records nothing)
            return default
        from tutor.progress import ProgressError

        try:
            return fn(store)
        except (ProgressError, OSError) as exc:
            self._store = None
            if self.failed is None:
                self.failed = f"{FAILED}: {exc}"
                if self.say is not None:
                    self.say(self.failed)
            return default

    # -- writes --------------------------------------------------------------------------------------
    def answer(
        self,
        lesson_id: str,
        question_id: str,
        mode: str,
        chosen: Sequence[int],
        correct: bool,
        hints_used: int,
        *,
        attempt_id: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """A confirmed quiz, practice, test, visual, review or predict answer."""
        self.call(
            lambda s: s.record_answer(
                lesson_id, question_id, mode, list(chosen), correct, hints_used, attempt_id=attempt_id, seconds=seconds
            ),
            None,
        )

    def start_attempt(self, lesson_id: str, seed: int, question_ids: Sequence[str]) -> AttemptRecord | None:
        """A test attempt, recorded on its first answer."""
        return self.call(lambda s: s.start_attempt(lesson_id, seed, list(question_ids)), None)

    def test(self, lesson_id: str, correct: int, total: int, percentage: float, *, attempt_id: int | None) -> None:
        """A finished test's score."""
        self.call(lambda s: s.record_test(lesson_id, correct, total, percentage, attempt_id=attempt_id), None)

    def step(self, lesson_id: str, reached: int) -> None:
        """The furthest walkthrough step reached (the store keeps the maximum). Not a reason to open a
        store still to be opened: its :attr:`opener` records the step each walkthrough reached."""
        if self.opener is not None:
            return
        self.call(lambda s: s.record_step(lesson_id, reached), None)

    def challenge(self, lesson_id: str, outcome: ChallengeOutcome) -> ChallengeRecord | None:
        """A finished challenge run."""
        return self.call(
            lambda s: s.record_challenge(
                lesson_id,
                outcome.challenge_id,
                solved=outcome.solved,
                events=outcome.events,
                par=outcome.par,
                hints_used=outcome.hints_used,
                stars=outcome.stars,
            ),
            None,
        )

    # -- reads (what a widget shows or draws from) ---------------------------------------------------
    def best_challenges(self, lesson_id: str) -> dict[str, ChallengeRecord]:
        return self.call(lambda s: s.best_challenges(lesson_id), {})

    def attempts(self, lesson_id: str) -> list[AttemptRecord]:
        return self.call(lambda s: list(s.attempts(lesson_id)), [])

    def right_in_last_attempt(self, lesson_id: str) -> set[str]:
        """Questions answered right in the lesson's last recorded test attempt."""

        def read(s: ProgressStore) -> set[str]:
            last = s.last_attempt(lesson_id)
            answers: list[AnswerRecord] = list(s.attempt_answers(last.id)) if last is not None else []
            return {a.question_id for a in answers if a.correct}

        return self.call(read, set())


class RecordingApp(App[None]):
    """An app whose widgets record progress through its one :attr:`recorder`."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.recorder = Recorder(say=self._progress_notice)

    def _progress_notice(self, text: str) -> None:
        self.notify(visible(text), title=TITLE, severity="error", timeout=8, markup=False)


_NOTHING = Recorder()


def recorder_of(node: DOMNode) -> Recorder:
    """The recorder of ``node``'s app (one that records nothing outside a :class:`RecordingApp`)."""
    app = node.app
    return app.recorder if isinstance(app, RecordingApp) else _NOTHING


__all__ = ["FAILED", "Recorder", "RecordingApp", "recorder_of"]
