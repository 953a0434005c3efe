"""The tracker writes a deleted session as deleted and an empty cookie store as empty (issue 19)."""

from __future__ import annotations

from tutor.lesson.loader import load_lesson
from tutor.ui.widgets.variable_tracker import DELETED, EMPTY, VariableTracker

LESSON = "lessons/session-lifecycle.yaml"


def _rows(loaded) -> dict[str, int]:
    """The table row (1-based) of the step that deletes the session, and of the last one."""
    phases = [s.phase for s in loaded.steps]
    return {"deleted": phases.index("destroy_session") + 1, "end": len(phases)}


def test_values_as_the_tracker_writes_them() -> None:
    loaded = load_lesson(LESSON)
    tracker = VariableTracker(loaded.lesson.tracker)
    tracker.set_steps(loaded.steps)
    session, store = (next(t for t in loaded.lesson.tracker if t.variable == v) for v in ("session_id", "cookieStore"))
    rows = _rows(loaded)
    deleted = rows["deleted"] - 1
    assert not tracker.text(deleted - 1, session).startswith(DELETED)  # held by the store before
    old = loaded.steps[deleted].session_id
    assert old and tracker.text(deleted, session) == DELETED + tracker.text(deleted - 1, session)
    assert old.startswith(tracker.text(deleted - 1, session)[:8])
    assert tracker.text(rows["end"] - 1, store) == EMPTY  # the engine's None at the end
    first_with = next(i for i, s in enumerate(loaded.steps) if s.variables.get("cookieStore"))
    assert tracker.text(first_with, store) not in (EMPTY, "null")
    assert all(tracker.text(i, store) != "null" for i in range(len(loaded.steps)))
    assert all(tracker.text(i, store) != "{}" for i in range(len(loaded.steps)))


def test_was_on_one_line_stays_legible() -> None:
    from rich.style import Style

    plain = Style()
    new, old = "d23f0824128b2f330c5c7fd0a6a3a450", "6513270e269e0d37f2a74de452e6b438"
    for width in range(9, 60):
        text = VariableTracker._inline_was(new, old, width, plain, plain).plain
        assert len(text) <= width, (width, text)
        value = text.split(" (was ", 1)[0]
        assert len(value) >= 9 and value[:4] == new[:4] and value[-4:] == new[-4:], (width, text)
        if " (was " in text:  # the step before, also recognisable, and the bracket closed
            before = text.split(" (was ", 1)[1]
            assert before.endswith(")") and before[:4] == old[:4] and before[-5:-1] == old[-4:], (width, text)
    assert VariableTracker._inline_was("alice", "null", 16, plain, plain).plain == "alice (was null)"
    assert " (was " in VariableTracker._inline_was(new, old, 25, plain, plain).plain
