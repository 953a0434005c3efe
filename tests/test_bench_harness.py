"""The benchmark harness's pure parts: the complete-screen marker, the launch order, the statistics,
the private TUTOR_HOME and RESULTS.md being generated only. Nothing here is timed; `python -m bench`
measures speed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `bench` is a top-level folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))

from bench import __main__ as bench_main  # noqa: E402
from bench import frame_bench, term_step_bench  # noqa: E402
from bench.check_bench import _env as check_env  # noqa: E402
from bench.counted import read_counts  # noqa: E402
from bench.engine_bench import percentile  # noqa: E402
from bench.step_bench import private_home  # noqa: E402
from bench.tmuxrun import Marker  # noqa: E402

# The lesson screen as tmux showed it once complete, and as it showed it a few frames earlier, when the
# old marker (the table heading alone) already fired: the tab labels were not drawn yet.
COMPLETE = """\
 ◆            Session Tutor — The session lifecycle: check, create, validate, expire
 Walkthrough  Moments  Visual  Practice  Test  Snapshot  Transcript  Play
╸━━━━━━━━━━━╺━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━
 step 1/7 · autoplay 1s
 Action                    Session Cookie Present?  Session  variable     1
 Create anonymous session  false                    6513270e session      6513270e269e0d…6b438



 ⏎ Full value  → Next  ← Back  space Autoplay  ] Next mode  ? Help                      ▏^p palette
"""
NO_TABS = COMPLETE.replace(" Walkthrough  Moments  Visual  Practice  Test  Snapshot  Transcript  Play", "")
NO_FOOTER = COMPLETE.replace(" ⏎ Full value  → Next  ← Back  space Autoplay  ] Next mode  ? Help", "")
# A redesigned screen: one mode strip instead of tabs, a Step column, the footer last.
MODE_STRIP = """\
 Session Tutor — The session lifecycle
 ▶ Walkthrough · Moments · Visual · Practice · Test · Snapshot · Transcript · Play
 Step  Action                    Session Cookie Present?  Session ID   Result
 1     Create anonymous session  false                    6513…b438    Set-Cookie sessionId

 → Next  ← Back  ? Help
"""


def test_the_lesson_marker_waits_for_the_whole_screen() -> None:
    marker = frame_bench.LESSON_MARKER
    assert marker.found(COMPLETE)
    assert marker.found(MODE_STRIP)
    assert marker.missing(NO_TABS) == ["Walkthrough"]
    assert marker.missing(NO_FOOTER) == ["Next (on the bottom line)"]
    assert not marker.found(COMPLETE.replace("Create anonymous session", ""))


def test_footer_text_counts_only_on_the_bottom_line() -> None:
    marker = Marker(("table",), footer=("Next",))
    assert not marker.found("Next step in the table\n\n  \n")  # "Next" above, the bottom row not drawn yet
    assert not marker.found("table\nNext\nsomething else\n")
    assert marker.found("table\nsomething\n\n → Next  ← Back\n")
    assert marker.missing("") == ["table", "Next (on the bottom line)"]


def test_launches_alternate_and_every_kind_runs_as_often_as_asked() -> None:
    order = frame_bench.schedule(15)
    assert len(order) == 60
    assert order.count(frame_bench.WARM) == order.count(frame_bench.COLD) == 15
    assert order.count(frame_bench.BASE) == 30
    tutor = {frame_bench.WARM, frame_bench.COLD}
    assert all(not (a in tutor and b in tutor) for a, b in zip(order, order[1:], strict=False)), (
        "two tutor launches in a row"
    )
    assert order[0] == frame_bench.WARM and order[1] == frame_bench.BASE


def test_ratio_is_of_the_medians() -> None:
    assert frame_bench.ratio_of_medians([3.0, 1.0, 2.0, 100.0, 2.0], [1.0, 1.0, 50.0]) == 2.0


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 95) == 95.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([5.0, 1.0, 3.0, 2.0], 50) == 2.0
    with pytest.raises(ValueError):
        percentile([], 95)


def test_frames_summary_counts_steps_per_value() -> None:
    assert term_step_bench.frames_summary([1, 3, 3, 1, 3], "frame") == "2 steps: 1 frame; 3 steps: 3 frames"
    assert term_step_bench.frames_summary([0], "layout") == "1 step: 0 layouts"


def test_counts_file_is_read_whole_or_not_at_all(tmp_path: Path) -> None:
    counts = tmp_path / "counts"
    assert read_counts(counts) == (0, 0, 0)  # not written yet
    counts.write_text("12 3 1".ljust(31) + "\n", encoding="ascii")
    assert read_counts(counts) == (12, 3, 1)


def test_every_launch_uses_a_private_home_and_cold_launches_a_new_one(tmp_path: Path) -> None:
    launcher = frame_bench._Launcher(ROOT, str(tmp_path), "session-lifecycle")
    homes = {}
    for kind in (frame_bench.WARM, frame_bench.COLD, frame_bench.COLD, frame_bench.BASE, frame_bench.PICKER):
        argv, env, marker = launcher.argv_env_marker(kind)
        assert Path(env["TUTOR_HOME"]).is_relative_to(tmp_path)
        homes.setdefault(kind, []).append(env["TUTOR_HOME"])
    cold = homes[frame_bench.COLD]
    assert len(set(cold)) == 2 and homes[frame_bench.WARM][0] not in cold
    assert all(not os.listdir(h) for h in cold)  # empty: nothing cached


def test_in_process_runs_get_a_private_home_and_give_it_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", "/the/users/own")
    with private_home(tmp_path / "home") as home:
        assert os.environ["TUTOR_HOME"] == str(home) and home.is_dir()
    assert os.environ["TUTOR_HOME"] == "/the/users/own"
    monkeypatch.delenv("TUTOR_HOME")
    with private_home(tmp_path / "home2"):
        pass
    assert "TUTOR_HOME" not in os.environ
    assert check_env(str(tmp_path))["TUTOR_HOME"] == str(tmp_path)


def test_results_are_generated_only() -> None:
    rows = [
        bench_main.Row("first frame, warm cache (tutor open)", "300.0 ms", "250.0 ms", 1.2, "<= 1.25", True),
        bench_main.Row("step in tmux: CPU per step (x100)", "20.0 ms", "1.00 ms", 20.0, "<= 16 ms", False),
        bench_main.Row("engine x", "1.0 ms", "", None, "(info)", None),
    ]
    text = bench_main.render_markdown(
        {"cpu": "test"}, rows, ["### Detail\n\nfigures\n"], quick=True, runs=3, only=["frame", "step"]
    )
    findings = (ROOT / "bench" / "FINDINGS.md").read_text(encoding="utf-8")
    prose = [line for line in findings.splitlines() if len(line) > 40]
    assert prose and not any(line in text for line in prose)
    assert "Written by `python -m bench --quick --only frame,step`" in text
    assert "Goals met: 1 of 2; missed: step in tmux: CPU per step (x100)." in text
    assert "| engine x | 1.0 ms |  |  | (info) | n/a |  |" in text
