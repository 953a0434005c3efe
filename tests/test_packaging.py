"""The built-in lessons ship inside the wheel, so a non-editable install works from any folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUILTIN = sorted(p.stem for p in (REPO / "lessons").glob("*.yaml"))


def _editable() -> bool:
    try:
        dist = metadata.distribution("session-tutor")
    except metadata.PackageNotFoundError:
        return True
    text = dist.read_text("direct_url.json")
    return bool(text) and json.loads(text).get("dir_info", {}).get("editable", False)


@pytest.mark.skipif(_editable(), reason="an editable install has no wheel contents to inspect")
def test_wheel_contains_every_builtin_lesson():
    files = {str(f) for f in metadata.files("session-tutor") or []}
    for lesson in BUILTIN:
        assert f"tutor/builtin_lessons/{lesson}.yaml" in files


def test_installed_tutor_lists_builtin_lessons_from_any_folder(tmp_path):
    exe = shutil.which("tutor", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the tutor console script is not installed next to this Python")
    env = {k: v for k, v in os.environ.items() if k != "TUTOR_LESSONS"}
    env["TUTOR_HOME"] = str(tmp_path / "home")
    out = subprocess.run([exe, "list", "--format", "json"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    ids = {entry["id"] for entry in json.loads(out.stdout)}
    assert set(BUILTIN) <= ids
    assert len(BUILTIN) >= 7
