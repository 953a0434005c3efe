"""A lesson uses headers written by hand (issue 16, "Done when"): cookie-attributes' `set_cookie` event.

Its three headers: a bad `Expires` (no time of day) that leaves a session cookie closing the browser drops,
a good one that survives, and a public-suffix `Domain=` refused whole. The lesson's own trace question and
narration say so; this test holds the engine's steps to it.
"""

from __future__ import annotations

from pathlib import Path

from tutor.engine import run_scenario
from tutor.lesson.loader import load_lesson

LESSON = Path(__file__).resolve().parents[1] / "lessons" / "cookie-attributes.yaml"


def test_cookie_attributes_plays_three_hand_written_headers() -> None:
    scenario = load_lesson(LESSON).lesson.scenario  # loading checks the lesson's answers against the engine
    trace = run_scenario(scenario)
    (index,) = [i for i, e in enumerate(scenario.events) if not isinstance(e, str) and e.mark == "hand-written"]
    steps = [s for s in trace if s.event == index + 1]
    written = [s.variables["set_cookie"] for s in steps if s.phase == "set_cookie"]
    assert written == [
        "theme=dark; Expires=Wed, 31 Dec 2026",
        "lang=en; Expires=Wed, 31 Dec 2026 23:59:59 GMT",
        "site=1; Domain=example",
    ]
    (stored,) = [s for s in steps if s.phase == "store_cookie"]
    assert "theme stored" in stored.result and "Expires" in stored.result  # the ignored attribute is named
    assert "site rejected" in stored.result and "public suffix" in stored.result
    jar = [c.split("=", 1)[0] for c in stored.variables["jar.browser"]]
    assert "theme" in jar and "lang" in jar and "site" not in jar
    close = [s for s in trace if s.event == index + 2]
    after = [c.split("=", 1)[0] for c in close[-1].variables["jar.browser"]]
    assert "theme" not in after and "lang" in after  # the bad date left theme a session cookie
