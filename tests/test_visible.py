"""`tutor.lesson.visible`: the one function author text goes through, and its JSON spelling; and a check
that no command prints except through it."""

from __future__ import annotations

import ast
import json
import sys
import unicodedata
from pathlib import Path

import pytest

from tutor.lesson.visible import dumps, is_hidden, visible

ROOT = Path(__file__).resolve().parent.parent


def test_every_control_and_format_character_is_made_visible() -> None:
    hidden = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if not 0xD800 <= c <= 0xDFFF and chr(c) != "\n" and (unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp"))
    ]
    assert len(hidden) > 150
    missed = [f"U+{ord(ch):04X}" for ch in hidden if not is_hidden(ch)]
    assert not missed, f"not made visible: {missed}"
    shown = visible("".join(hidden))
    assert not any(is_hidden(ch) for ch in shown)
    assert "\n" not in shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "␛[2J"),
        ("\x1b]52;c;ZXZpbA==\x07", "␛]52;c;ZXZpbA==␇"),
        ("a\x9bb", "a\\x9bb"),
        ("del\x7f", "del␡"),
        ("x\u202eevil", "x<U+202E>evil"),
        ("alm\u061cx", "alm<U+061C>x"),
        ("soft\u00adhyphen", "soft<U+00AD>hyphen"),
        ("tag\U000e0041", "tag<U+E0041>"),
        ("a\tb", "a   b"),
        ("two\nlines", "two\nlines"),
        ("[bold]markup[/bold] <img onerror=x> 会话 🍪 مرحبا", "[bold]markup[/bold] <img onerror=x> 会话 🍪 مرحبا"),
    ],
)
def test_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_dumps_keeps_values_exact_and_escapes_hidden_characters() -> None:
    value = {"s": "\x1b]8;;x\x07\x9b\u202e\u00ad\U000e0041 会话", "n": [1, None, True]}
    text = dumps(value)
    assert json.loads(text) == value
    assert not any(is_hidden(ch) for ch in text.replace("\n", ""))
    assert "会话" in text  # readable text stays readable


# --- no output bypasses the function ---------------------------------------------------------------
#: Calls that write to a terminal. In the commands they may appear only in tutor/commands/common.py (which
#: passes everything through visible()), and in the few places listed in ALLOWED, each writing text
#: that is not from a file.
WRITERS = {"print", "write", "writelines"}
ALLOWED = {
    ("check.py", "_Progress.update"),  # the progress bar: counts only
    ("check.py", "_Progress.clear"),
    ("new.py", "run"),  # writes the template (our own text, the id checked against ID_PATTERN)
    ("show.py", "run"),  # writes what tutor.lesson.render returns (visible() on every piece)
    ("serve.py", "run"),  # fixed messages and the port number
    ("simulate.py", "_print_text"),  # rows of cells made with visible(); headings are our own text
    ("simulate.py", "_write_json"),  # JSON from _json_parts, hidden characters escaped by escape_json()
}


def _writes(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []

    def walk(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                walk(child, [*scope, child.name])
                continue
            if isinstance(child, ast.Call):
                func = child.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in WRITERS or (name == "print" and isinstance(func, ast.Attribute)):
                    found.append((".".join(scope) or "<module>", child.lineno))
            walk(child, scope)

    walk(tree, [])
    return found


def test_commands_print_only_through_the_literal_function() -> None:
    files = [ROOT / "tutor" / "cli.py", *sorted((ROOT / "tutor" / "commands").glob("*.py"))]
    stray = []
    for path in files:
        if path.name == "common.py":
            continue
        for scope, line in _writes(path):
            if (path.name, scope) not in ALLOWED and not (path.name == "cli.py" and scope == "main"):
                stray.append(f"{path.relative_to(ROOT)}:{line} in {scope}")
    assert not stray, (
        "these write to the terminal without tutor.commands.common (and so without visible()): " + ", ".join(stray)
    )


def test_the_bypass_check_can_fail(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "import sys\ndef run(args):\n    print(args.title)\n    sys.stdout.write(args.id)\n", encoding="utf-8"
    )
    assert [line for _scope, line in _writes(sneaky)] == [3, 4]


def _fixed_text(node: ast.AST) -> bool:
    """Every value ``node`` can have is a string written in the code (``"a" + ("b" if x else "")``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _fixed_text(node.left) and _fixed_text(node.right)
    if isinstance(node, ast.IfExp):
        return _fixed_text(node.body) and _fixed_text(node.orelse)
    return False


def test_app_notifications_with_variable_text_do_not_parse_markup() -> None:
    """A notification whose text is not a fixed string passes ``markup=False`` (Textual would otherwise read
    `[...]` in a file name, an error or lesson text as markup: a crash or a live link), and its text is
    ``visible(...)`` (a control character in a file name or an error must not reach the terminal)."""
    stray = []
    for path in sorted((ROOT / "tutor" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "notify"):
                continue
            message = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "message"), None)
            fixed = message is not None and _fixed_text(message)
            markup_off = any(
                k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
                for k in node.keywords
            )
            made_visible = (
                isinstance(message, ast.Call) and isinstance(message.func, ast.Name) and message.func.id == "visible"
            )
            if not fixed and not (markup_off and made_visible):
                stray.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not stray, "notify() with variable text not visible(...) with markup=False: " + ", ".join(stray)
