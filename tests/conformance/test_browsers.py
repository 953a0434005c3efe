"""The engine's cookie jar agrees with real Chromium and real Firefox ESR on every cell but the listed ones
(tests/conformance/browsers_suite.py): against the committed observations always, and against a live run
when the browser is installed (skipped with the reason when it cannot start)."""

from __future__ import annotations

import pytest

from conformance import browsers_suite as suite
from conformance.browsers import chromium, firefox, matrix
from conformance.browsers.server import CannotStart

pytestmark = pytest.mark.conformance

DRIVERS = {"chromium": chromium, "firefox": firefox}


def _assert_agrees(kind: str, observed: dict, slow: bool = False) -> None:
    kinds = (matrix.LATE_POST,) if slow else matrix.KINDS
    predicted = suite.predict(kind, kinds, matrix.LATE_WAIT if slow else 0, observed.get("third_party"))
    bad = suite.unexpected(kind, observed, predicted)
    assert not bad, "cells that differ and are not listed in EXPECTED (browser, engine):\n" + "\n".join(
        f"  {cell}: {pair}" for cell, pair in bad.items()
    )


def test_the_matrix_is_as_big_as_promised() -> None:
    assert len(matrix.COOKIES) >= 25 and len(matrix.KINDS) >= 11
    assert len({c.label for c in matrix.COOKIES}) == len(matrix.COOKIES)


@pytest.mark.parametrize("kind", sorted(DRIVERS))
def test_the_engine_agrees_with_the_recorded_browser(kind: str) -> None:
    _assert_agrees(kind, suite.load(kind))


def test_every_listed_difference_still_differs() -> None:
    """An expectation no recorded cell needs any more is stale (the engine was fixed): remove it."""
    used = set()
    for kind in DRIVERS:
        for slow in (False, True):
            if not suite.fixture_path(kind, slow).exists():
                continue
            kinds = (matrix.LATE_POST,) if slow else matrix.KINDS
            observed = suite.load(kind, slow)
            predicted = suite.predict(kind, kinds, matrix.LATE_WAIT if slow else 0, observed.get("third_party"))
            for cell in suite.compare(kind, observed, predicted):
                found = suite.reason_for(kind, cell)
                if found:
                    used.add((kind, found[0]))
    stale = sorted(k for k in suite.EXPECTED if k[0] in DRIVERS and k not in used)
    assert not stale, f"listed differences no cell shows any more: {stale}"


@pytest.mark.parametrize("kind", sorted(DRIVERS))
def test_the_live_browser_agrees_with_the_engine_and_the_recording(kind: str) -> None:
    driver = DRIVERS[kind]
    why = driver.unavailable()
    if why:
        pytest.skip(why)
    try:
        observed = driver.observe()
    except CannotStart as error:  # a browser that cannot start: skipped with the reason, never silently
        pytest.skip(str(error))
    _assert_agrees(kind, observed)
    recorded = suite.load(kind)
    assert matrix.cells(observed) == matrix.cells(recorded), (
        f"{kind} behaves differently from its recording: re-record with "
        f"`python -m tests.conformance.browsers.record {kind}` and review the change"
    )


@pytest.mark.parametrize("kind", sorted(DRIVERS))
def test_the_engine_agrees_with_the_recorded_late_post(kind: str) -> None:
    """Chromium's 2-minute Lax+POST window, as recorded (a cross-site POST 125 s after the cookies were set)."""
    _assert_agrees(kind, suite.load(kind, slow=True), slow=True)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(DRIVERS))
def test_the_live_browser_agrees_on_the_late_post(kind: str) -> None:
    driver = DRIVERS[kind]
    why = driver.unavailable()
    if why:
        pytest.skip(why)
    try:
        observed = driver.observe((matrix.LATE_POST,), matrix.LATE_WAIT)
    except CannotStart as error:
        pytest.skip(str(error))
    _assert_agrees(kind, observed, slow=True)
    assert matrix.cells(observed) == matrix.cells(suite.load(kind, slow=True))
