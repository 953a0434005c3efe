"""The playground's export: which run to write (this one or the one before the last restart) and writing
it as a scenario file (:func:`tutor.ui.scenario_export.write_export`), with what the learner is told."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tutor.ui.modals.playground_dialogs import export_choice
from tutor.ui.scenario_export import write_export
from tutor.ui.text import visible

if TYPE_CHECKING:
    from tutor.lesson.playground_run import Run
    from tutor.ui.widgets.playground import PlaygroundView


def choose_export(view: PlaygroundView) -> None:
    """Export the run (asking which, when the run before the last restart can be exported too)."""
    runs = view.run.exportable()
    if not runs:
        view.notify(markup=False, message="nothing to export yet: play some events first", severity="warning")
        return
    if len(runs) == 1:
        view.export(runs[0])
        return
    current, previous = runs

    def done(answer: str | None) -> None:
        if answer is not None:
            view.export(current if answer == "current" else previous)

    view.app.push_screen(export_choice(current.describe(), previous.describe()), done)


def export_run(view: PlaygroundView, run: Run) -> Path | None:
    """Write ``run`` as a scenario file in the view's export folder (never overwriting one)."""
    folder = view.export_dir if view.export_dir is not None else Path.cwd()
    try:
        path = write_export(folder, run.options, run.events, run.browsers, run.servers or None)
    except OSError as exc:
        view.notify(
            markup=False,
            message=visible(f"cannot write a scenario in {folder}: {exc.strerror or exc}"),
            severity="error",
        )
        return None
    view.exported = path
    view.notify(
        markup=False, message=visible(f"wrote {path}  (run it with: tutor simulate {path.name})"), title="Exported"
    )
    view.show_exported(path)
    return path


__all__ = ["choose_export", "export_run"]
