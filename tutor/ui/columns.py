"""Column headings of the execution table: the lesson's own, else a default per trace field.

Shared by the table widget and the modal that shows one step's cells (which sits below the widgets).
"""

from __future__ import annotations

from tutor.lesson.model import Column

#: The heading a column gets when the lesson gives none.
DEFAULT_HEADINGS = {
    "step": "#",
    "event": "event",
    "actor": "browser",
    "phase": "phase",
    "action": "action",
    "cookie_present": "cookie?",
    "session_id": "session ID",
    "user": "user",
    "result": "result",
}


def column_heading(column: Column) -> str:
    return column.heading or DEFAULT_HEADINGS.get(column.field, column.field)
