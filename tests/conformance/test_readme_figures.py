"""The README's one table of what the model is checked against says what docs/CONFORMANCE.md says.

docs/CONFORMANCE.md is generated from the runs (``test_report.py`` fails when it is stale); the README's
"What the model has been checked against" table is written by hand, so this test holds each of its
figures to the generated document.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.conformance

ROOT = Path(__file__).resolve().parents[2]


def _readme_table() -> dict[str, str]:
    """The table's rows, keyed by the start of their first cell."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## What the model has been checked against", 1)[1].split("\n## ", 1)[0]
    prose = " ".join(section.split())
    assert "python -m pytest -m conformance" in prose  # how to rerun it
    assert "python -m tests.conformance.report --write" in prose
    rows = {}
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| ---") and not line.startswith("| reference"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[0]] = cells[-1]
    return rows


def _row(rows: dict[str, str], start: str) -> str:
    (found,) = [agree for first, agree in rows.items() if first.startswith(start)]
    return found


def _doc() -> str:
    return (ROOT / "docs" / "CONFORMANCE.md").read_text(encoding="utf-8")


def test_the_readme_table_has_one_row_per_reference() -> None:
    rows = _readme_table()
    assert len(rows) == 4
    for start in ("IETF http-state", "web-platform-tests", "real Chromium", "a real next-auth"):
        _row(rows, start)


def test_http_state_figures() -> None:
    doc, agree = _doc(), _row(_readme_table(), "IETF http-state")
    for part in ("parser", "dates"):
        cases, same, listed = re.search(rf"^\| {part} \| (\d+) \| (\d+) \| (\d+) \|$", doc, re.M).groups()
        assert f"{part} {same}/{cases}" in agree
        if part == "parser":
            assert f"({listed} listed" in agree


def test_wpt_figures() -> None:
    cases, same, _ = re.search(r"^\| all \| (\d+) \| (\d+) \| (\d+) \|$", _doc(), re.M).groups()
    assert _row(_readme_table(), "web-platform-tests").startswith(f"{same}/{cases}")


def test_browser_figures() -> None:
    agree = _row(_readme_table(), "real Chromium")
    cells = re.findall(r"^\| (Chromium|Firefox) [\d.]+ \| .* \| (11|1 \(slow\)) \| (\d+) / (\d+) \|$", _doc(), re.M)
    assert len(cells) == 4
    for browser, kinds, same, total in cells:
        figure = f"{browser} {same}/{total}" if kinds == "11" else f"+{same}/{total}"
        assert figure in agree, figure


def test_next_auth_figures() -> None:
    same, total = re.search(r"\*\*(\d+) / (\d+) steps agree\*\*", _doc()).groups()
    assert _row(_readme_table(), "a real next-auth").startswith(f"{same}/{total} steps")
