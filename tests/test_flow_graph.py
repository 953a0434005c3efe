"""The flow graph drawn from the lesson's authored edges (tutor/ui/widgets/flow_graph.py, FlowDiagram)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ui_support import sync, widget_text

from tutor.lesson.flow_layout import layout
from tutor.lesson.loader import load_lesson
from tutor.ui.widgets.flow_graph import draw, narrowest

LESSONS = sorted(p.stem for p in Path("lessons").glob("*.yaml"))


def drawn(name: str, width: int):
    lesson = load_lesson(Path(f"lessons/{name}.yaml")).lesson
    ids = [n.id for n in lesson.flow.nodes]
    lay = layout(ids, [(e.from_, e.to, e.label) for e in lesson.flow.edges])
    return lesson, draw(lay, [n.label for n in lesson.flow.nodes], width)


def text(grid) -> list[str]:
    return ["".join(piece for piece, _ in runs) for runs in grid.rows]


def node_rows(grid, index: int) -> set[int]:
    return {y for y, runs in enumerate(grid.rows) for _, kind in runs if kind == index}


def test_session_lifecycle_draws_its_branches_not_a_chain_in_file_order() -> None:
    lesson, grid = drawn("session-lifecycle", 159)
    assert grid is not None
    lines = text(grid)
    joined = "\n".join(lines)
    ids = [n.id for n in lesson.flow.nodes]
    # the two ways out of the cookie check, each with its label, on different rows
    check, validate, create = ids.index("check"), ids.index("validate"), ids.index("create")
    assert min(node_rows(grid, validate)) != min(node_rows(grid, create))
    for label in ("cookie", "sent", "no", "expired or", "valid", "Set-Cookie"):
        assert label in joined, label
    # the branch line leaves the check node and forks (┬), reaching the row below (╰)
    top = min(node_rows(grid, check))
    assert "┬" in lines[top] and any("╰" in line for line in lines[top + 1 :])
    # the old chain in file order is gone: nothing reads "Validate ... ─▶ Create" on one line
    assert not any("Validate" in line and line.index("Validate") < line.find("Create") for line in lines)


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_graph_fits_160_columns_and_never_breaks_a_word(name) -> None:
    lesson, grid = drawn(name, 159)
    assert grid is not None, f"{name}: no graph at 160 columns"
    assert max(len(line) for line in text(grid)) <= 159
    words = {w for n in lesson.flow.nodes for w in n.label.split()}
    words |= {w for e in lesson.flow.edges if e.label for w in e.label.split()}
    for line in text(grid):
        for word in re.sub("[─│┬┴├┤╭╮╰╯┼▶]", " ", line).split():
            assert word in words, f"{name}: {word!r} is not a whole word of a label:\n" + "\n".join(text(grid))


def test_a_back_edge_is_listed_under_the_graph() -> None:
    lay = layout(["a", "b", "c"], [("a", "b", None), ("b", "c", None), ("c", "a", "again")])
    grid = draw(lay, ["Alpha", "Beta", "Gamma"], 80)
    assert grid.back == ["↩ again: Gamma → Alpha"]
    assert text(grid) == [" Alpha ───▶ Beta ───▶ Gamma "]


def test_too_narrow_means_no_graph_and_labels_wrap_in_few_cells() -> None:
    lay = layout(["a", "b"], [("a", "b", "a long label here")])
    assert draw(lay, ["First node", "Second node"], 10) is None
    assert narrowest("a long label here", 2) == ["a long", "label here"]
    assert narrowest("unbreakable", 1) == ["unbreakable"]


@sync
async def test_the_current_step_node_is_highlighted_in_the_graph() -> None:
    from tutor.lesson.loader import load_lesson as load
    from tutor.ui.app import TutorApp
    from tutor.ui.widgets.flow_diagram import FlowDiagram

    app = TutorApp(lesson=load(Path("lessons/session-lifecycle.yaml")), step=4, cursor_blink=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        walk = app.screen.walkthrough
        walk.answers.update({s: ((0,), True) for s in walk.predicts})
        walk.go(4)
        await pilot.pause()
        flow = walk.query_one(FlowDiagram)
        assert flow.layout_class == "-boxes" and flow.current_nodes == ["validate"]
        assert "no" in widget_text(flow) and "cookie" in widget_text(flow)
        current = flow.get_component_rich_style("flow-diagram--current")
        spans = [(span.start, span.end) for span in flow.render().spans if span.style == current]
        rendered = flow.render().plain
        assert spans and all(
            rendered[a:b].strip() in ("Validate the", "session ID", "Validate", "the", "Validate the session ID")
            for a, b in spans
        )
