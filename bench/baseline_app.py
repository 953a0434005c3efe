"""The baseline for the first-frame and memory benchmarks: a bare Textual app with one small DataTable.

It is launched exactly like `tutor` (in tmux, same size, same polling), so the ratio measures what
Session Tutor adds on top of Textual itself. The marker the harness waits for is the cell text
``baseline-ready``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

MARKER = "baseline-ready"


class BaselineApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Step", "Action", "Result")
        table.add_rows(
            [
                ("1", "Receive GET /", "no cookie"),
                ("2", "Create session", "new id"),
                ("3", "Set-Cookie", MARKER),
            ]
        )


if __name__ == "__main__":
    BaselineApp().run()
