"""`tutor schema` and `tutor new` say what the format accepts: phases, step fields and tracker variables
are enums generated from the engine (so editors complete them), and marks are part of the format."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tutor.commands.schema import build_schema
from tutor.engine.trace import PHASES, STEP_FIELDS
from tutor.lesson.loader import load_lesson
from tutor.lesson.model import trace_names
from tutor.lesson.template import render_template

LESSONS = sorted((Path(__file__).resolve().parents[1] / "lessons").glob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict:
    return build_schema()


def _phase_enums(schema: dict) -> list[list[str]]:
    found: list[list[str]] = []

    def walk(node):
        if isinstance(node, dict):
            if "enum" in node and "receive" in node["enum"]:
                found.append(node["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def test_every_phase_property_is_the_engines_enum(schema):
    defs = schema["$defs"]
    assert defs["FlowNode"]["properties"]["phases"]["items"]["enum"] == list(PHASES)
    assert defs["CodeSample"]["properties"]["lines"]["propertyNames"]["enum"] == list(PHASES)
    table_phases = defs["Table"]["properties"]["phases"]["anyOf"][0]["items"]
    assert table_phases["enum"] == list(PHASES)
    narration_phase = defs["Narration"]["properties"]["phase"]["anyOf"][0]
    assert narration_phase["enum"] == list(PHASES)
    assert all(enum == list(PHASES) for enum in _phase_enums(schema))


@pytest.mark.parametrize("definition, prop", [("Column", "field"), ("Tracked", "variable"), ("TraceAnswer", "field")])
def test_fields_and_variables_are_completed_from_the_engine(schema, definition, prop):
    names = schema["$defs"][definition]["properties"][prop]["anyOf"]
    fields, variables, _ = trace_names()
    assert names[0]["enum"] == [*STEP_FIELDS, *variables, "server"]  # (server: with several servers)
    assert {"clock", "cookieStore", "session", "jar.browser"} <= set(names[0]["enum"])


def test_trace_names_are_what_the_engine_records():
    loaded = load_lesson(LESSONS[0])
    _, variables, prefixes = trace_names()
    recorded = set(loaded.trace[0].variables)
    assert set(variables) == {v for v in recorded if not v.startswith(prefixes)} | {
        "jar.browser",
        "document.cookie.browser",
    }
    assert prefixes == ("jar.", "document.cookie.")


def test_the_schema_accepts_marks_and_every_built_in_lesson(schema):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema)
    assert len(LESSONS) == 10
    for path in LESSONS:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert errors == [], path.name


def test_the_schema_rejects_an_unknown_phase_and_field_but_takes_any_browser(schema):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema)
    lesson = yaml.safe_load(render_template("demo"))
    assert list(validator.iter_errors(lesson)) == []
    lesson["tracker"].append({"variable": "jar.attacker"})
    lesson["tracker"].append({"variable": "document.cookie.phone"})
    lesson["tracker"] += [{"variable": "store.db"}, {"variable": "secrets.jwt"}, {"variable": "server"}]
    assert list(validator.iter_errors(lesson)) == []
    lesson["flow"]["nodes"][0]["phases"].append("recieve")
    lesson["table"]["columns"].append({"field": "sesion_id"})
    assert len(list(validator.iter_errors(lesson))) == 2


def test_new_lists_every_phase_and_variable_and_uses_marks(tmp_path):
    text = render_template("demo")
    comments = " ".join(line[2:] for line in text.splitlines() if line.startswith("# "))
    assert "…" not in comments and ", ..." not in comments
    for phase in PHASES:
        assert phase in comments
    fields, variables, _ = trace_names()
    for name in fields + tuple(v for v in variables if not v.endswith(".browser")):
        assert name in comments
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    lesson = load_lesson(path).lesson
    assert lesson.scenario.events[0].mark == "visit"
    assert lesson.narration[0].step == 1 and lesson.questions[1].predict == 2


def test_one_lesson_id_pattern() -> None:
    """The catalog, `tutor new` and `tutor check`'s message share catalog.ID_PATTERN; the model's ``Id``
    (which the JSON Schema is made from) spells the same pattern."""
    import typing

    import msgspec

    from tutor.lesson import catalog, model, schema_types, template

    (meta,) = [m for m in typing.get_args(model.Id) if isinstance(m, msgspec.Meta)]
    assert meta.pattern == catalog.ID_PATTERN.pattern
    assert template.ID_PATTERN is catalog.ID_PATTERN
    assert schema_types.PATTERN_MESSAGES[catalog.ID_PATTERN.pattern] == catalog.ID_MESSAGE
