"""The CLI shell: help, version, and that commands which show no screen import no Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tutor import __version__
from tutor.cli import build_parser, main

SUBCOMMANDS = ["open", "simulate", "check", "new", "schema", "show", "list", "progress", "serve"]


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
