"""The lesson picker: the course in order (numbered, "next up" marked), each lesson with its level,
length and progress; typing filters, Enter opens. Above the lessons, once the learner has review cards,
a Review entry with the number due (Enter opens the review screen)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key, ScreenResume
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.widgets.data_table import ColumnKey

from tutor.lesson.catalog import Entry
from tutor.lesson.course import course_order, next_up
from tutor.ui.recorder import recorder_of
from tutor.ui.styles import Styled
from tutor.ui.text import literal

if TYPE_CHECKING:
    from tutor.ui.app import TutorApp

#: Columns taken by everything but the title: number 2, level 12, minutes 3, steps 13, best 9, cell
#: padding, margins and the scrollbar.
OTHER_COLUMNS = 2 + 12 + 3 + 13 + 9 + 6 * 2 + 2 + 2
#: After the title of the lesson the learner should take next.
NEXT_UP = " ◀ next up"
#: The row key of the Review entry (no lesson id has a colon).
REVIEW_KEY = ":review"


@dataclass
class Row:
    entry: Entry
    total: int | None = None  # steps in the lesson's table, once known
    problem: str | None = None  # set when the lesson does not load


def matches(entry: Entry, query: str) -> bool:
    words = query.lower().split()
    haystack = f"{entry.title} {entry.id} {entry.level}".lower()
    return all(word in haystack for word in words)


class PickerScreen(Styled, Screen):
    """Lists the lessons; ``q`` quits."""

    STYLES: ClassVar[tuple[str, ...]] = ("screens/picker",)

    @property
    def tutor_app(self) -> TutorApp:
        return cast("TutorApp", self.app)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open lesson"),
        Binding("up", "cursor(-1)", "Previous lesson", show=False),
        Binding("down", "cursor(1)", "Next lesson", show=False),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, entries: list[Entry], **kw) -> None:
        super().__init__(**kw)
        ordered = course_order(entries)
        self.rows: dict[str, Row] = {e.id: Row(e, problem=e.problem) for e in ordered}
        #: each valid lesson's place in the course (1, 2, ...)
        self.numbers: dict[str, int] = {e.id: n for n, e in enumerate((e for e in ordered if e.valid), 1)}
        self.next_up: str | None = None
        self.visible_ids: list[str] = []
        #: due counts for the Review entry (None: no progress store)
        self.review = None
        #: due cards whose lesson and question were found (None until counted: see count_due_cards)
        self.review_showable: int | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static("Pick a lesson: type to filter, Enter opens, ? lists the keys.", id="picker-intro")
        filter_input = Input(placeholder="filter lessons…", id="filter", select_on_focus=False)
        filter_input.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield filter_input
        yield DataTable(id="lessons", cursor_type="row", zebra_stripes=False)
        yield Static(id="picker-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Session Tutor"
        self.sub_title = "Lessons"
        table = self.query_one("#lessons", DataTable)
        table.add_column(Text("#"), key="number", width=2)
        table.add_column(Text("Lesson"), key="title", width=self._title_width())
        for key, label in (
            ("level", "Level"),
            ("minutes", "Min"),
            ("progress", "Steps reached"),
            ("best", "Best test"),
        ):
            table.add_column(Text(label), key=key)
        self.next_up = self._find_next_up()
        self._update_review()
        self._fill("")
        if self._review_due() and REVIEW_KEY in self.visible_ids:
            table.move_cursor(row=0, animate=False)  # due cards first, as in Anki
        elif self.next_up in self.visible_ids:
            table.move_cursor(row=self.visible_ids.index(self.next_up), animate=False)
        table.focus()
        self.load_totals()

    def _title_width(self) -> int:
        """The title column gets what the other columns leave (long titles end in "…")."""
        return max(16, self.app.size.width - OTHER_COLUMNS)

    def on_resize(self) -> None:
        table = self.query_one("#lessons", DataTable)
        column = table.columns.get(ColumnKey("title"))
        if column is not None and column.width != self._title_width():
            column.width = self._title_width()
            self._fill(self.query_one("#filter", Input).value)

    # -- rows ---------------------------------------------------------------------------------------
    def _find_next_up(self) -> str | None:
        """The first lesson of the course whose test the learner has not passed."""

        def best(lesson_id: str) -> float | None:
            summary = self.tutor_app.lesson_summary(lesson_id)
            return summary.best_score if summary else None

        return next_up([row.entry for row in self.rows.values() if not row.problem], best)

    def _title(self, row: Row) -> Text:
        """The title, shortened with "…" to the column; the next lesson to take says so."""
        suffix = NEXT_UP if row.entry.id == self.next_up else ""
        title = literal(row.entry.title or row.entry.path.name)  # made visible first: that can lengthen it
        # cut by terminal cells (a wide character takes two), not by characters
        title.truncate(max(1, self._title_width() - cell_len(suffix)), overflow="ellipsis")
        return title + Text(suffix)

    def _progress(self, row: Row) -> tuple[Text, Text]:
        if row.problem:
            return Text("invalid: run tutor check"), Text("—")
        summary = self.tutor_app.lesson_summary(row.entry.id)
        reached = summary.steps_reached if summary else 0
        total = "…" if row.total is None else str(row.total)
        best = summary.best_score if summary else None
        return Text(f"{min(reached, row.total) if row.total is not None else reached}/{total}"), Text(
            "—" if best is None else f"{best:.0f}%"
        )

    # -- the Review entry ---------------------------------------------------------------------------
    def _update_review(self) -> None:
        """Due counts now; when cards are due, a worker then counts those that can be shown."""
        summary = getattr(self.app, "review_summary", None)
        self.review = summary() if summary is not None else None
        self.review_showable = None if self.review is not None and self.review.due else 0
        if self.review_showable is None:
            self.count_due_cards()

    @work(thread=True, group="review", exit_on_error=False)
    def count_due_cards(self) -> None:
        """How many due cards can be shown: their lesson found and loaded, their question still in it (a
        question renamed since is not counted). Loads those lessons, so off the screen's thread."""
        from tutor.review import ReviewDeck, due_items

        store = recorder_of(self).store
        review = self.review
        if store is None or review is None:
            return
        items, _ = due_items(ReviewDeck(store).due(review.now), getattr(self.app, "extra_dirs", ()))
        try:
            self.app.call_from_thread(self._review_counted, len(items))
        except RuntimeError:  # the app closed meanwhile
            pass

    def _review_counted(self, showable: int) -> None:
        self.review_showable = showable
        if REVIEW_KEY in self.visible_ids:
            self.query_one("#lessons", DataTable).update_cell(REVIEW_KEY, "title", self._review_title())

    def _review_shown(self, query: str) -> bool:
        """Once there are cards, and while no filter is typed (Enter in the filter opens the first lesson)."""
        return self.review is not None and self.review.cards > 0 and not query.strip()

    def _review_due(self) -> int:
        """Cards due now in the lessons listed here (a card of a lesson that is gone cannot be shown)."""
        if self.review is None:
            return 0
        if self.review_showable is not None:
            return self.review_showable
        return sum(
            due for lid, (_, due) in self.review.lessons.items() if lid in self.rows and not self.rows[lid].problem
        )

    def _review_title(self) -> Text:
        from tutor.review import when

        review = self.review
        due = self._review_due()
        if review is None or not due:
            later = f" (next {when(review.next_due, review.now)})" if review is not None and review.next_due else ""
            label, style = f"↻ Review: nothing due{later}", "dim"
        else:
            label, style = f"↻ Review: {due} card{'s' if due != 1 else ''} due", "bold"
        label_text = Text(label, style=style)
        label_text.truncate(self._title_width(), overflow="ellipsis")
        return label_text

    def _fill(self, query: str) -> None:
        table = self.query_one("#lessons", DataTable)
        table.clear()
        self.visible_ids = []
        if self._review_shown(query):
            table.add_row(Text(""), self._review_title(), Text(""), Text(""), Text(""), Text(""), key=REVIEW_KEY)
            self.visible_ids.append(REVIEW_KEY)
        for lesson_id, row in self.rows.items():
            if not matches(row.entry, query):
                continue
            progress, best = self._progress(row)
            number = self.numbers.get(lesson_id)
            table.add_row(
                Text("" if number is None else str(number), justify="right"),
                self._title(row),
                literal(row.entry.level or "?"),
                Text(str(row.entry.minutes or "?")),
                progress,
                best,
                key=lesson_id,
            )
            self.visible_ids.append(lesson_id)
        empty = self.query_one("#picker-empty", Static)
        if not self.rows:
            empty.update("No lessons found. Add a folder with --lessons DIR or TUTOR_LESSONS.")
        elif not [i for i in self.visible_ids if i != REVIEW_KEY]:
            empty.update(Text("No lesson matches ") + literal(repr(query)))
        else:
            empty.update("")
        empty.display = not [i for i in self.visible_ids if i != REVIEW_KEY]

    def refresh_progress(self) -> None:
        table = self.query_one("#lessons", DataTable)
        before, self.next_up = self.next_up, self._find_next_up()
        self._update_review()
        query = self.query_one("#filter", Input).value
        if self._review_shown(query) != (REVIEW_KEY in self.visible_ids):
            self._fill(query)  # the entry appears (first cards) or goes (progress reset)
        elif REVIEW_KEY in self.visible_ids:
            table.update_cell(REVIEW_KEY, "title", self._review_title())
        for lesson_id in self.visible_ids:
            if lesson_id == REVIEW_KEY:
                continue
            row = self.rows[lesson_id]
            progress, best = self._progress(row)
            table.update_cell(lesson_id, "progress", progress)
            table.update_cell(lesson_id, "best", best)
            if self.next_up != before and lesson_id in (before, self.next_up):
                table.update_cell(lesson_id, "title", self._title(row))

    @work(thread=True, exclusive=True, group="totals", exit_on_error=False)
    def load_totals(self) -> None:
        """Count each lesson's steps without blocking the screen.

        That needs the engine run, unless the lesson cache already has this exact file: then neither the
        engine nor the lesson model is imported (the picker starts smaller).
        """
        from tutor.lesson.loader import LoadError, lesson_steps_cached

        for row in list(self.rows.values()):
            if row.problem:
                continue
            try:
                row.total = lesson_steps_cached(row.entry.path)
            except LoadError as exc:
                row.problem = str(exc.problems[0]) if exc.problems else "invalid"
            except OSError as exc:
                row.problem = str(exc)
        try:
            self.app.call_from_thread(self.refresh_progress)
        except RuntimeError:  # the app closed while the lessons were being counted
            pass

    # -- selection ----------------------------------------------------------------------------------
    @property
    def highlighted(self) -> Row | None:
        table = self.query_one("#lessons", DataTable)
        if not self.visible_ids or not 0 <= table.cursor_row < len(self.visible_ids):
            return None
        return self.rows.get(self.visible_ids[table.cursor_row])

    def action_open(self) -> None:
        table = self.query_one("#lessons", DataTable)
        if self.visible_ids and self.visible_ids[min(table.cursor_row, len(self.visible_ids) - 1)] == REVIEW_KEY:
            self.app.open_review()  # type: ignore[attr-defined]
            return
        row = self.highlighted
        if row is not None:
            self.tutor_app.open_lesson(row.entry.path)

    def action_cursor(self, delta: int) -> None:
        table = self.query_one("#lessons", DataTable)
        if self.visible_ids:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, len(self.visible_ids) - 1)))

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.value = ""
        self.query_one("#lessons", DataTable).focus()

    def action_help(self) -> None:
        self.tutor_app.show_help(self)

    def action_quit(self) -> None:
        self.app.exit()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    @on(DataTable.RowSelected, "#lessons")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def on_key(self, event: Key) -> None:
        """Typing while the list has focus starts filtering (``q``, ``?`` and ``/`` keep their meaning)."""
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus or not event.is_printable or not event.character:
            return
        if event.character in ("q", "?", "/", " "):
            return
        event.stop()
        event.prevent_default()
        filter_input.focus()
        filter_input.insert_text_at_cursor(event.character)

    def on_screen_resume(self, event: ScreenResume) -> None:
        if self.is_mounted and self.rows:
            self.refresh_progress()


__all__ = ["REVIEW_KEY", "PickerScreen", "Row", "matches"]
