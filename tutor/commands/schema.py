"""`tutor schema`: the JSON Schema of the lesson format, from the msgspec structs.

Save it next to your lessons (`tutor schema > lesson.schema.json`); the first line of a lesson written by
`tutor new` (``# yaml-language-server: $schema=lesson.schema.json``) points editors at it.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any, get_args

DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: Descriptions for fields that have no docstring in the model.
_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Lesson": {
        "id": "The lesson's id: lower-case letters, digits and dashes; the file name should match.",
        "title": "The lesson's title, shown in the picker.",
        "summary": "One or two sentences on what the lesson teaches.",
        "level": "beginner, intermediate or advanced.",
        "minutes": "About how long the lesson takes (1 to 240).",
        "tags": "Free-form tags.",
        "prerequisites": "Ids of lessons to take first.",
        "flow": "The concept flow diagram.",
        "code": "Code samples shown beside the walkthrough (at least one).",
        "scenario": "The scenario the session engine runs: engine options and events.",
        "table": "The execution table: which steps are rows, which columns they show.",
        "tracker": "The variable tracker: one row per variable, one column per step.",
        "narration": "What the narrator says at a step or during a phase.",
        "moments": "Key moments: questions with revealable answers, linked to steps.",
        "snapshot": "A one-screen summary of the lesson.",
        "transcript": "The lesson as a plain-text transcript.",
        "questions": "Multiple-choice questions: normal, trace (`answer`) and predict (`predict`) ones.",
        "challenges": "Puzzles played in the playground: reach a goal by playing events on the lesson's engine "
        "(`tutor check` plays each `solution` to prove it reaches its goal).",
    },
    "Question": {
        "id": "The question's id, unique in the lesson.",
        "difficulty": "easy, medium or hard.",
        "prompt": "The question.",
        "code": "A code snippet shown with the question.",
        "choices": "Two to six choices; exactly one correct unless `multiple: true`.",
    },
    "Choice": {
        "text": "The choice's text (for a trace question: exactly the trace value).",
        "correct": "This choice is (one of) the right answer(s).",
    },
    "FlowNode": {"id": "The node's id, used by edges.", "label": "The text in the box."},
    "FlowEdge": {
        "from": "The id of the node the arrow starts at.",
        "to": "The id of the node it points to.",
        "label": "Text on the arrow.",
    },
    "CodeSample": {"title": "A file name or heading.", "source": "The code.", "caption": "Text under the code."},
    "Column": {"heading": "The column's heading (default: the field's name)."},
    "Tracked": {"label": "The row's label (default: the variable's name)."},
    "Narration": {
        "step": "A row of the execution table: a number, or a mark (`NAME`, `NAME.phase`, `end`).",
        "phase": "Every step of this phase.",
        "text": "What the narrator says.",
    },
    "KeyMoment": {
        "question": "The question.",
        "answer": "Its answer, revealed on demand.",
        "steps": "Steps to jump to: numbers or marks (`NAME`, `NAME.phase`, `end`).",
    },
    "TraceAnswer": {
        "step": "A row of the execution table: a number, or a mark (`NAME`, `NAME.phase`, `end`).",
        "field": "A step field or a tracked variable whose value at that step is the answer.",
    },
}

#: Properties that name a step field or a tracked variable: (definition, property).
_TRACE_NAMES = (("Column", "field"), ("Tracked", "variable"), ("TraceAnswer", "field"))


def _trace_name_schema() -> dict[str, Any]:
    """Step fields and variables as an enum editors complete, plus any browser's `jar.NAME` and, for a
    scenario with several `servers:`, the `server` variable and any server's `store.NAME` ..."""
    from tutor.engine.scenario import SERVER_NAME_PATTERN, BrowserName
    from tutor.engine.servers import PER_SERVER_VARIABLES, SERVER_VARIABLE
    from tutor.lesson.model import trace_names

    fields, variables, prefixes = trace_names()
    browser = get_args(BrowserName)[1].pattern.lstrip("^")  # Annotated[str, Meta(pattern=...)]
    prefix = "|".join(p.rstrip(".").replace(".", "\\.") for p in prefixes)
    per_server = "|".join(PER_SERVER_VARIABLES)
    return {
        "anyOf": [
            {"enum": [*fields, *variables, SERVER_VARIABLE]},
            {"pattern": f"^({prefix})\\.{browser}"},
            {"pattern": f"^({per_server})\\.{SERVER_NAME_PATTERN.lstrip('^')}"},
        ]
    }


def _field_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings (a string literal right after a field) of a class, by field name."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    docs: dict[str, str] = {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    for stmt, nxt in zip(body, body[1:], strict=False):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            docs[stmt.target.id] = inspect.cleandoc(nxt.value.value)
    return docs


def _structs(tp: Any) -> dict[str, type]:
    """Every Struct class reachable from ``tp``, by name."""
    import msgspec.inspect as mi

    found: dict[str, type] = {}

    def walk(t: Any) -> None:
        if isinstance(t, mi.Metadata):
            walk(t.type)
        elif isinstance(t, mi.StructType):
            if t.cls.__name__ in found:
                return
            found[t.cls.__name__] = t.cls
            for f in t.fields:
                walk(f.type)
        elif isinstance(t, mi.UnionType):
            for x in t.types:
                walk(x)
        elif isinstance(t, (mi.ListType, mi.VarTupleType, mi.SetType, mi.FrozenSetType)):
            walk(t.item_type)
        elif isinstance(t, mi.DictType):
            walk(t.key_type)
            walk(t.value_type)

    walk(mi.type_info(tp))
    return found


def build_schema() -> dict[str, Any]:
    """The lesson format's JSON Schema (draft 2020-12), with field descriptions."""
    import msgspec
    import msgspec.inspect as mi

    from tutor.lesson.model import Lesson

    schema = msgspec.json.schema(Lesson)
    defs = schema.get("$defs", {})
    for name, cls in _structs(Lesson).items():
        definition = defs.get(name)
        if definition is None:
            continue
        docs = _field_docs(cls)
        extra = _DESCRIPTIONS.get(name, {})
        info = mi.type_info(cls)
        assert isinstance(info, mi.StructType)  # _structs gives struct classes
        props = definition.get("properties", {})
        for f in info.fields:
            doc = docs.get(f.name) or extra.get(f.encode_name)
            prop = props.get(f.encode_name)
            if doc and prop is not None and "description" in prop and doc not in prop["description"]:
                # the field's own docstring first, then what its type says (a Duration's format)
                prop["description"] = f"{doc.rstrip('.')}. {prop['description']}"
            elif doc and prop is not None and "description" not in prop:
                if "$ref" in prop:  # a sibling of $ref is allowed in 2020-12, but keep it readable
                    props[f.encode_name] = {"description": doc, "allOf": [{"$ref": prop.pop("$ref")}], **prop}
                else:
                    prop["description"] = doc
    names = _trace_name_schema()
    for definition, prop in _TRACE_NAMES:
        defs[definition]["properties"][prop].update(names)
    # a challenge's goal: exactly one key; its matches name step fields and variables
    goal = defs["Goal"]
    goal.update(minProperties=1, maxProperties=1)
    for prop in ("step", "end", "never"):
        goal["properties"][prop]["propertyNames"] = names
    out: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": "https://session-tutor.invalid/lesson.schema.json",
        "title": "Session Tutor lesson",
        "description": "One lesson of Session Tutor: a flow, code, a scenario the session engine runs, "
        "its execution table and variable tracker, narration, key moments and questions. "
        "Check a lesson with `tutor check FILE`.",
    }
    out.update(schema)
    return out


def run(args) -> int:
    from tutor.commands.common import out_json

    out_json(build_schema())
    return 0
