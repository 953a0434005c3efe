"""The loader's bad-input table (`tests/loader_error_cases.py`): each file, changed one way, is refused by
`tutor check` (a lesson) or `tutor simulate` (a scenario) with exactly the problems listed, exit 1."""

from __future__ import annotations

import pytest
from loader_error_cases import CASES, Case

from tutor.cli import main


def run(case: Case, folder, monkeypatch, capsys) -> tuple[int, str, str]:
    path = folder / case.name
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        path.write_text(case.content, encoding="utf-8")
    monkeypatch.chdir(folder)
    code = main([case.command, case.name])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_with_these_problems(case, tmp_path, monkeypatch, capsys):
    code, out, err = run(case, tmp_path, monkeypatch, capsys)
    assert code == 1
    if case.command == "check":
        count = sum(1 for line in case.expect.splitlines() if ": error: " in line)
        summary = f"1 lesson checked, {count} problem{'s' if count != 1 else ''} in 1 file"
        assert (out, err) == (case.expect + "\n" + summary + "\n", "")
    else:
        assert (out, err) == ("", case.expect + "\n")


def test_the_table_ids_are_unique_and_every_case_is_a_problem():
    assert len({c.id for c in CASES}) == len(CASES)
    assert all(c.expect.startswith(f"{c.name}:") for c in CASES)
    assert len({c.content for c in CASES}) == len(CASES)
