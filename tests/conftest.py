"""What every test shares: no test reads or writes the real progress or lesson cache.

``TUTOR_HOME`` is set to a temporary folder for the whole run before any test module is imported, so a
module-level load, a module-scoped fixture or a `tutor` subprocess started from a test uses it too (a
user's own ``TUTOR_HOME`` is never touched either). A test that needs a folder of its own (empty
progress, a cold lesson cache) asks for the :func:`home` fixture.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_SAVED = pytest.StashKey[tuple[str | None, str]]()


def pytest_configure(config: pytest.Config) -> None:
    shared = tempfile.mkdtemp(prefix="tutor-tests-home-")
    config.stash[_SAVED] = (os.environ.get("TUTOR_HOME"), shared)
    os.environ["TUTOR_HOME"] = shared


def pytest_unconfigure(config: pytest.Config) -> None:
    saved, shared = config.stash.get(_SAVED, (None, ""))
    if saved is None:
        os.environ.pop("TUTOR_HOME", None)
    else:
        os.environ["TUTOR_HOME"] = saved
    if shared:
        shutil.rmtree(shared, ignore_errors=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``TUTOR_HOME`` of this test's own (``tmp_path / "home"``, not made yet)."""
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
