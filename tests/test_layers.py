"""The engine is pure Python: importing and running it pulls in no textual, rich or yaml."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

CODE = textwrap.dedent(
    """
    import json, sys
    import tutor.engine
    import tutor.engine.simulation
    from tutor.engine import EngineOptions, Event, Scenario, run_scenario, check_scenario
    from tutor.engine.scenario import Steal

    before = {"jwt": "jwt" in sys.modules, "sqlite3": "sqlite3" in sys.modules}
    events = [Event(request="GET /"), Event(login="alice"), Event(steal=Steal()), "logout",
              Event(request="GET /dashboard", as_="attacker"), "restart_server"]
    jwt = run_scenario(Scenario(engine=EngineOptions(strategy="jwt"), events=events))
    sql = run_scenario(Scenario(engine=EngineOptions(store="sqlite"), events=events))
    assert not check_scenario(Scenario(events=events))
    print(json.dumps({
        "before": before,
        "steps": [len(jwt), len(sql)],
        "loaded": sorted(m for m in ("textual", "rich", "yaml") if m in sys.modules),
    }))
    """
)


def test_engine_imports_no_ui_or_yaml() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["loaded"] == []
    # jwt and sqlite3 are imported lazily, only when a scenario needs them
    assert out["before"] == {"jwt": False, "sqlite3": False}
    assert all(n > 10 for n in out["steps"])
