"""docs/CONFORMANCE.md is what the suites give, never hand-edited."""

from __future__ import annotations

import pytest

from conformance import report

pytestmark = pytest.mark.conformance


def test_conformance_document_matches_the_suites() -> None:
    expected = report.render()
    actual = report.DOC.read_text(encoding="utf-8") if report.DOC.exists() else ""
    assert actual == expected, "docs/CONFORMANCE.md is stale: run `python -m tests.conformance.report --write`"
