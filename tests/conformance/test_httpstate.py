"""The http-state suites (tests/conformance/httpstate_suite.py): every case agrees or is listed, and a
listed case that has come to agree fails too (so the list cannot go stale)."""

from __future__ import annotations

import pytest

from conformance import httpstate_suite as suite

pytestmark = pytest.mark.conformance


@pytest.mark.parametrize("case", suite.parser_cases(), ids=lambda c: c["test"])
def test_parser_case(case: dict) -> None:
    result = suite.run_parser_case(case)
    if case["test"] in suite.PARSER_DIFFERENCES:
        assert not result.agrees, f"{case['test']} agrees now: remove it from PARSER_DIFFERENCES"
    else:
        assert result.agrees, (
            f"{case['received']!r}: the suite expects {result.expected!r}, the model sends {result.actual!r}"
        )


@pytest.mark.parametrize("case", suite.date_cases(), ids=lambda c: c["test"])
def test_date_case(case: dict) -> None:
    result = suite.run_date_case(case)
    if case["test"] in suite.DATE_DIFFERENCES:
        assert not result.agrees, f"{case['test']!r} agrees now: remove it from DATE_DIFFERENCES"
    else:
        assert result.agrees, f"{case['test']!r}: the suite expects {result.expected}, the model reads {result.actual}"


def test_the_vendored_suite_is_whole() -> None:
    assert (len(suite.parser_cases()), len(suite.date_cases())) == (222, 70)
    listed = set(suite.PARSER_DIFFERENCES)
    assert listed <= {c["test"] for c in suite.parser_cases()}
