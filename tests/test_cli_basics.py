"""The CLI shell: help, version, and that commands which show no screen import no Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tutor import __version__
from tutor.cli import build_parser, main

SUBCOMMANDS = ["open", "simulate", "cookie", "check", "new", "schema", "show", "list", "progress", "review", "serve"]


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"tutor {__version__}"


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: tutor {command}")


def test_parser_knows_every_subcommand():
    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    assert sorted(choices) == sorted(SUBCOMMANDS)


def test_unknown_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--help"], ["schema"], ["list"]])
def test_commands_without_a_screen_do_not_import_textual(argv):
    code = (
        "import sys, io, contextlib\n"
        "from tutor.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


def test_python_dash_m_runs():
    out = subprocess.run([sys.executable, "-m", "tutor", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert __version__ in out.stdout


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_help_ends_with_examples(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    examples = out.split("\nexamples:\n", 1)
    assert len(examples) == 2, f"`tutor {command} --help` has no examples:\n{out}"
    lines = [line.strip() for line in examples[1].splitlines() if line.strip()]
    assert lines and all(line.startswith(f"tutor {command}") for line in lines), lines


def test_top_level_help_lists_commands_in_the_readmes_order(capsys):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Commands", 1)[1].split("```", 2)[1]
    order: list[str] = []
    for match in re.finditer(r"^tutor (\w+)", block, re.M):
        if match.group(1) not in order:
            order.append(match.group(1))
    assert sorted(order) == sorted(SUBCOMMANDS), order
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    listed = re.findall(r"^    (\w+)\s{2,}", out, re.M)
    assert listed == order, (listed, order)


def test_lessons_naming_a_file_says_it_is_not_a_folder(tmp_path, capsys):
    afile = tmp_path / "lessons.yaml"
    afile.write_text("", encoding="utf-8")
    assert main(["list", "--lessons", str(afile)]) == 1
    assert capsys.readouterr().err == f"tutor list: error: --lessons {afile}: not a folder\n"
    assert main(["list", "--lessons", str(tmp_path / "missing")]) == 1
    assert capsys.readouterr().err.endswith(": no such folder\n")


def test_new_into_a_path_that_cannot_be_written_says_cannot_write(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    target = afile / "x.yaml"
    assert main(["new", "x", "-o", str(target)]) == 1
    assert capsys.readouterr().err == f"tutor new: error: cannot write {target}: Not a directory\n"
