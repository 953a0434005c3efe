"""The web-platform-tests cookie cases (tests/conformance/wpt_suite.py): every case agrees or is listed,
and a listed case that has come to agree fails too."""

from __future__ import annotations

import pytest

from conformance import wpt_suite as suite

pytestmark = pytest.mark.conformance

CASES = suite.cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['file'].rsplit('/', 1)[-1]}:{c['name'][:60]}" for c in CASES])
def test_wpt_case(case: dict) -> None:
    result = suite.run_case(case)
    if (case["file"], case["name"]) in suite.DIFFERENCES:
        assert not result.agrees, f"{case['name']!r} agrees now: remove it from DIFFERENCES"
    else:
        assert result.agrees, f"{case['set']!r}: WPT expects {result.expected!r}, the model gives {result.actual!r}"


def test_every_listed_difference_is_a_case() -> None:
    assert set(suite.DIFFERENCES) <= {(c["file"], c["name"]) for c in CASES}
    assert len({(c["file"], c["name"]) for c in CASES}) == len(CASES)
