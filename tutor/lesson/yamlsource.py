"""Safe YAML → a node tree with positions, with guards against hostile input.

Nothing is constructed: :func:`load_nodes` returns PyYAML's composed node tree (``ScalarNode``,
``SequenceNode``, ``MappingNode`` with ``start_mark``), which :mod:`tutor.lesson.validate` walks against
the msgspec types. Before and after composing, the input is checked:

* size (≤ 1 MiB), NUL bytes and other binary content, UTF-16/UTF-32 text (named, with the fix), invalid UTF-8, empty files;
* YAML syntax errors (PyYAML's problem text, at its mark);
* more than one document, tags other than the standard ones, alias bombs, cycles, deep nesting.

Every problem is a :class:`Problem` with 1-based line and column; :class:`SourceError` carries them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml
    from yaml.nodes import Node

# PyYAML is imported by the functions that compose (its import is the largest part of loading a lesson):
# a lesson served from the lesson cache, and the checks on bytes, never import it.

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
STR_TAG = _TAG + "str"
INT_TAG = _TAG + "int"
FLOAT_TAG = _TAG + "float"
BOOL_TAG = _TAG + "bool"
NULL_TAG = _TAG + "null"
SEQ_TAG = _TAG + "seq"
MAP_TAG = _TAG + "map"
#: The only tags a lesson may carry (written or implied).
STANDARD_TAGS = frozenset({STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG, SEQ_TAG, MAP_TAG})


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    @property
    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.col)


class SourceError(Exception):
    """The file could not be read as YAML; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- a resolver that only knows the standard scalar types ------------------------------------------
# PyYAML's composer calls ``resolve`` only for nodes without an explicit tag, so after composing, any
# tag outside STANDARD_TAGS was written by the author. Timestamps, `<<` merge keys and `=` value keys
# stay plain strings here (nothing is constructed, so they have no special meaning).


@functools.cache
def _loader() -> type:
    """PyYAML's safe loader (the C one when PyYAML has it) with only the standard scalar types."""
    import yaml
    from yaml.nodes import ScalarNode, SequenceNode

    base: type = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
    wanted = {BOOL_TAG, INT_TAG, FLOAT_TAG, NULL_TAG}
    resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for first, table in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, regexp) for tag, regexp in table if tag in wanted]
        if kept:
            resolvers[first] = kept

    class Loader(base):  # type: ignore[misc]  # base is picked at run time (CSafeLoader when libyaml is there)
        yaml_implicit_resolvers = resolvers

        # PyYAML's signature: a scalar passes its str and a (plain, quoted) pair; a collection None and a bool
        def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
            # The same answers as PyYAML's Resolver.resolve for our table, without its path machinery.
            if kind is ScalarNode:
                if implicit[0]:
                    if value == "":
                        return NULL_TAG
                    for tag, regexp in resolvers.get(value[0], ()):
                        if regexp.match(value):
                            return tag
                return STR_TAG
            if kind is SequenceNode:
                return SEQ_TAG
            return MAP_TAG

    return Loader


# PyYAML's NON_PRINTABLE set: characters YAML does not allow in a stream.
# A pattern, not compiled here: compiling it takes ~3 ms, and only a file that is read needs it (`re`
# keeps it compiled after the first use).
_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_FLOW_BRACKETS = re.compile(r"[\[\]{}]")

_SYNTAX_HINTS = {
    "mapping values are not allowed": "a value that contains ': ' must be quoted, e.g. text: \"a: b\"",
    "found character that cannot start any token": "indent with spaces, not tabs; quote text starting with @ or `",
    "found unexpected end of stream": "a quoted string is missing its closing quote",
    "found a tab character": "indent with spaces, not tabs",
    "could not find expected ':'": "a key needs ': ' after it (or quote the text if it is not a key)",
    "found undefined alias": "define the anchor (&name) before using the alias (*name)",
}


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a character index of ``text``."""
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return line, index - start + 1


def mark_of(node: Node) -> tuple[int, int]:
    """1-based line and column of a node's start."""
    m = node.start_mark
    return m.line + 1, m.column + 1


def read_text(path: Path, name: str) -> str:
    """The file's text, after the byte-level checks (size, NUL, UTF-8, binary)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise SourceError([Problem(name, 1, 1, "is a folder, not a file")]) from None
    except FileNotFoundError:
        raise SourceError([Problem(name, 1, 1, "no such file")]) from None
    except OSError as exc:
        raise SourceError([Problem(name, 1, 1, f"cannot read the file: {exc.strerror or exc}")]) from None
    return decode_bytes(data, name)


_WIDE_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` for text saved in a wide encoding (a byte-order mark, or ASCII text
    whose every other byte is NUL), else None."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:512]
    if len(head) >= 4 and len(head) % 2 == 0:
        even, odd = head[0::2], head[1::2]
        # ASCII saved as UTF-16 without a mark: NULs at every even (big-endian) or odd (little-endian) byte
        if (not even.strip(b"\x00") and b"\x00" not in odd) or (not odd.strip(b"\x00") and b"\x00" not in even):
            return "UTF-16"
    return None


def decode_bytes(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise SourceError([Problem(name, 1, 1, "the file is larger than 1 MiB; a lesson file must be smaller")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        encoding = _wide_encoding(data)
        if encoding:
            raise SourceError([Problem(name, 1, 1, f"this file is {encoding}, not UTF-8; save it as UTF-8")])
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        col = len(data[data.rfind(b"\n", 0, nul) + 1 : nul].decode("utf-8", "replace")) + 1
        raise SourceError([Problem(name, line, col, "this is a binary file (it contains a NUL byte), not YAML text")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
        line = data.count(b"\n", 0, bad) + 1
        col = len(data[data.rfind(b"\n", 0, bad) + 1 : bad].decode("utf-8", "replace")) + 1
        raise SourceError(
            [Problem(name, line, col, f"invalid UTF-8 (byte 0x{data[bad]:02x}); save the file as UTF-8")]
        ) from None
    bad_char = re.search(_NON_PRINTABLE, text)
    if bad_char:
        line, col = _line_col(text, bad_char.start())
        code = ord(bad_char.group())
        raise SourceError(
            [
                Problem(
                    name,
                    line,
                    col,
                    f"this looks like a binary file: control character U+{code:04X} is not allowed in YAML",
                )
            ]
        )
    if not text.strip():  # (a file of only comments composes to nothing: compose_text reports it)
        raise SourceError([Problem(name, 1, 1, "the file is empty (no YAML content)")])
    return text


def _flow_depth_guard(text: str, name: str) -> None:
    """Refuse flow collections nested so deep that composing them would be slow or recursive."""
    if "[" not in text and "{" not in text:
        return
    depth = 0
    first_too_deep = -1
    for m in _FLOW_BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH and first_too_deep < 0:
                first_too_deep = m.start()
            if depth > 4 * MAX_DEPTH:
                break
        elif depth > 0:
            depth -= 1
    if depth > 4 * MAX_DEPTH:
        line, col = _line_col(text, first_too_deep)
        raise SourceError([Problem(name, line, col, f"nesting deeper than {MAX_DEPTH} levels")])


def _syntax_problem(exc: yaml.YAMLError, text: str, name: str) -> Problem:
    import yaml

    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _line_col(text, max(0, min(exc.position, len(text))))
        return Problem(name, line, col, f"this looks like a binary file: {exc.reason}")
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = (exc.problem or "invalid YAML").strip()
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if problem == "but found another document":
            return Problem(
                name,
                line,
                col,
                "a second YAML document starts here; a file holds exactly one",
                "remove the '---' line (or split the file in two)",
            )
        if "exceeded maximum nesting depth" in problem or "exceeded max depth" in problem:
            return Problem(name, line, col, f"nesting deeper than {MAX_DEPTH} levels")
        better = _indentation_problem(text, problem, line, col, name)
        if better is not None:
            return better
        message = f"invalid YAML: {problem}"
        context = (exc.context or "").strip()
        if context and exc.context_mark is not None and exc.context_mark is not mark:
            cm = exc.context_mark
            if (cm.line, cm.column) != (line - 1, col - 1):
                message += f" ({context} started at line {cm.line + 1}, column {cm.column + 1})"
        hint = None
        for key, value in _SYNTAX_HINTS.items():
            if key in problem:
                hint = value
                break
        return Problem(name, line, col, message, hint)
    return Problem(name, 1, 1, f"invalid YAML: {exc}")


_BARE_ITEM = re.compile(r"^(\s*)-\s+([A-Za-z_][\w.-]*)\s*(#.*)?$")
_KEY_VALUE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w.-]*):\s+([^\s\"'\[{|>&*!#][^#]*?)\s*(#.*)?$")
_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w.-]*):(\s|$)")


def _indentation_problem(text: str, problem: str, line: int, col: int, name: str) -> Problem | None:
    """A line that YAML could not place, when the line before it explains why: a `key:` indented under
    a bare list item (``- restart_server`` then ``mark: x``) or under a plain ``key: value`` is read as
    more of that text; a `key:` at a list's indentation is not an item. The message says what was
    expected and what was found; the hint shows the layout that means what the author meant."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    current = lines[line - 1]
    key_match = _KEY_LINE.match(current)
    if key_match is None or key_match.group(2):
        return None
    key, indent = key_match.group(3), len(key_match.group(1))
    before = line - 2
    while before >= 0 and (not lines[before].strip() or lines[before].lstrip().startswith("#")):
        before -= 1
    if before < 0:
        return None
    previous = lines[before]
    bare = _BARE_ITEM.match(previous)
    plain = _KEY_VALUE.match(previous)
    at = (line, indent + 1)
    if "mapping values are not allowed" in problem or "could not find expected ':'" in problem:
        if bare and indent > len(bare.group(1)):
            word = bare.group(2)
            return Problem(
                name,
                *at,
                f"invalid YAML: expected a new `- ` item or a key of a mapping, found `{key}:` "
                f"indented under `- {word}` (line {before + 1}); with no colon after `{word}`, "
                "YAML reads this line as more of its text",
                f"to give `{word}` a `{key}`, write `- {word}:` (with a colon) and put `{key}:` on "
                f"the next line aligned with `{word}`",
            )
        if plain and indent > len(plain.group(1)) + len(plain.group(2) or ""):
            pkey = plain.group(3)
            return Problem(
                name,
                *at,
                f"invalid YAML: expected a key aligned with `{pkey}:` (line {before + 1}) or a new "
                f"`- ` item, found `{key}:` indented deeper, which YAML reads as more of "
                f"`{pkey}`'s text",
                f"align `{key}:` with `{pkey}:` to make it a field beside it (or quote the text of "
                f"`{pkey}:` if it holds ': ')",
            )
    if "expected '-' indicator" in problem or "expected <block end>" in problem:
        item = bare or (plain if plain and plain.group(2) else None)
        if item is not None and indent == len(item.group(1)):
            word = item.group(2) if item is bare else item.group(3)
            layout = (
                f"write `- {word}:` (with a colon) and put `{key}:` under it, aligned with `{word}`"
                if item is bare
                else f"indent `{key}:` to align with `{word}`"
            )
            return Problem(
                name,
                *at,
                f"invalid YAML: expected a new `- ` item at this indentation, found `{key}:`",
                f"to give the item `- {word}` a `{key}`, {layout}",
            )
    return None


def _node_count_guard(text: str, name: str) -> None:
    """For a big file, count node events (stopping at the cap) before composing it all.

    Composing a 1 MiB flow list of 300,000 scalars takes seconds; counting events up to the cap takes
    a fraction of that. Small files skip this (commas + newlines bound how many nodes a file can have,
    give or take brackets and ``key: value`` pairs).
    """
    if text.count("\n") + text.count(",") < MAX_NODES // 4:
        return
    import yaml

    count = 0
    depth = 0
    top = None
    node_events = (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
    try:
        for event in yaml.parse(text, Loader=_loader()):
            if isinstance(event, node_events):
                count += 1
                if depth == 1:
                    top = event.start_mark
                if count > MAX_NODES:
                    mark = top or event.start_mark
                    raise SourceError(
                        [
                            Problem(
                                name,
                                mark.line + 1,
                                mark.column + 1,
                                f"too many nodes (alias expansion?): more than {MAX_NODES:,}",
                            )
                        ]
                    )
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # composing reports it, with its position


def compose_text(text: str, name: str) -> Node:
    """Compose one YAML document into a checked node tree, or raise :class:`SourceError`."""
    import yaml
    from yaml.nodes import ScalarNode

    _flow_depth_guard(text, name)
    _node_count_guard(text, name)
    try:
        root = yaml.compose(text, Loader=_loader())
    except RecursionError:
        raise SourceError([Problem(name, 1, 1, f"nesting deeper than {MAX_DEPTH} levels")]) from None
    except yaml.YAMLError as exc:
        raise SourceError([_syntax_problem(exc, text, name)]) from None
    if root is None or (type(root) is ScalarNode and root.tag == NULL_TAG and root.value == "" and not root.style):
        raise SourceError([Problem(name, 1, 1, "the file is empty (no YAML content)")])
    check_tree(root, name)
    return root


def check_tree(root: Node, name: str) -> None:
    """Tags, node count expanded through aliases, and depth, in one iterative walk.

    Aliased nodes are walked every time they are referred to, so the count is the size of the tree
    the file *means*; the walk stops at :data:`MAX_NODES` (an alias bomb, or a cycle) and at the first
    node deeper than :data:`MAX_DEPTH`.
    """
    from yaml.nodes import MappingNode, SequenceNode

    problems: list[Problem] = []
    bad_tags: set[int] = set()
    standard = STANDARD_TAGS
    seq, mapping = SequenceNode, MappingNode
    count = 0
    # (node, depth, the top-level value it belongs to: where a "too many nodes" error is reported)
    stack: list[tuple[Node, int, Node]] = [(root, 1, root)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth, top = pop()
        count += 1
        if count > MAX_NODES:
            line, col = mark_of(top)
            raise SourceError([Problem(name, line, col, f"too many nodes (alias expansion?): more than {MAX_NODES:,}")])
        if depth > MAX_DEPTH:
            line, col = mark_of(node)
            raise SourceError([Problem(name, line, col, f"nesting deeper than {MAX_DEPTH} levels")])
        if node.tag not in standard and id(node) not in bad_tags:
            bad_tags.add(id(node))
            line, col = mark_of(node)
            problems.append(
                Problem(
                    name,
                    line,
                    col,
                    f"the tag {node.tag.replace(_TAG, '!!')!r} is not allowed",
                    "lesson files use plain YAML: strings, numbers, booleans, lists and mappings",
                )
            )
        kind = type(node)
        if kind is seq:
            child_depth = depth + 1
            for child in node.value:
                push((child, child_depth, child if depth == 1 else top))
        elif kind is mapping:
            child_depth = depth + 1
            for key, value in node.value:
                push((key, child_depth, value if depth == 1 else top))
                push((value, child_depth, value if depth == 1 else top))
    if problems:
        raise SourceError(problems)


def load_nodes(path: str | Path, name: str | None = None) -> Node:
    """Read, check and compose a YAML file; raise :class:`SourceError` with positioned problems."""
    path = Path(path)
    name = name if name is not None else str(path)
    return compose_text(read_text(path, name), name)


__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Problem",
    "SourceError",
    "STANDARD_TAGS",
    "compose_text",
    "decode_bytes",
    "load_nodes",
    "mark_of",
    "read_text",
]
