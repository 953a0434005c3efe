"""The layered layout of a lesson's flow graph (tutor/lesson/flow_layout.py)."""

from tutor.lesson.flow_layout import layout
from tutor.lesson.loader import load_lesson


def names(lay, ids):
    return [[ids[s.node] if s.node is not None else "·" for s in layer] for layer in lay.layers]


def test_branches_get_their_own_layer_slots():
    ids = ["request", "check", "validate", "create", "destroy", "load", "respond"]
    edges = [
        ("request", "check", None),
        ("check", "create", "no cookie"),
        ("check", "validate", "cookie sent"),
        ("validate", "load", "valid"),
        ("validate", "destroy", "expired"),
        ("destroy", "respond", None),
        ("create", "respond", "Set-Cookie"),
        ("load", "respond", None),
    ]
    lay = layout(ids, edges)
    assert names(lay, ids) == [["request"], ["check"], ["validate", "create"], ["destroy", "load", "·"], ["respond"]]
    assert lay.successors(1) == [(3, "no cookie"), (2, "cookie sent")]
    assert lay.predecessors(6) == [4, 3, 5]
    assert lay.position(6) == (4, 0)


def test_without_edges_a_chain_in_file_order():
    lay = layout(["a", "b", "c"], [])
    assert names(lay, ["a", "b", "c"]) == [["a"], ["b"], ["c"]]


def test_a_cycle_still_gets_layers_and_unknown_ids_are_ignored():
    ids = ["a", "b", "c"]
    lay = layout(ids, [("a", "b", None), ("b", "c", None), ("c", "a", "again"), ("c", "zzz", None)])
    assert names(lay, ids) == [["a"], ["b"], ["c"]]
    assert (2, 0, "again") in lay.edges


def test_barycentre_orders_children_under_their_parents():
    ids = ["r", "p", "q", "p1", "q1"]
    lay = layout(ids, [("r", "q", None), ("r", "p", None), ("q", "q1", None), ("p", "p1", None)])
    assert [s.node for s in lay.layers[2]] == [3, 4]  # p1 under p (row 0), q1 under q (row 1)


def test_session_lifecycle_is_not_a_chain():
    from pathlib import Path

    lesson = load_lesson(Path("lessons/session-lifecycle.yaml")).lesson
    ids = [n.id for n in lesson.flow.nodes]
    lay = layout(ids, [(e.from_, e.to, e.label) for e in lesson.flow.edges])
    assert any(len(layer) > 1 for layer in lay.layers)
    check = ids.index("check")
    assert {label for _, label in lay.successors(check)} == {"no cookie", "cookie sent"}
