"""Crash durability: an answer the store has confirmed survives the process being SIGKILLed.

A child process records answers in a loop and prints each one after `record_answer` has returned (i.e.
after its transaction committed). The test kills it at a random moment, 50 times in a row on the same
database, and each time the database must open cleanly and hold every answer the child confirmed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tutor.progress import ProgressStore

ROOT = Path(__file__).resolve().parents[1]

# -S: skip site-packages, the store needs only the standard library when given a path (fast start-up).
_CHILD = """
import sys
from tutor.progress import ProgressStore
path, run = sys.argv[1], sys.argv[2]
if not sys.stdin.readline():  # started early, waits for its turn
    sys.exit(0)
store = ProgressStore.open(path)
i = 0
while True:
    store.record_answer("durable", f"{run}-{i}", "test", [i % 4, 5], i % 2 == 0, i % 3)
    sys.stdout.write(f"{i}\\n")
    sys.stdout.flush()
    i += 1
"""

RUNS = 50


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_confirmed_answers_survive_sigkill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path))
    path = tmp_path / "progress.sqlite3"
    rng = random.Random(20261127)
    expected: dict[str, int] = {}

    def spawn(run: int) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-S", "-c", _CHILD, str(path), str(run)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    upcoming = spawn(0)
    for run in range(RUNS):
        # the next child starts Python while this one runs (it waits on stdin before touching the database)
        child, upcoming = upcoming, (spawn(run + 1) if run + 1 < RUNS else None)
        child.stdin.write("go\n")
        child.stdin.flush()
        # most runs die mid-loop (after the first confirmed answer); some die at any moment, even start-up
        if rng.random() < 0.8:
            first = child.stdout.readline()
            assert first, child.stderr.read()
            head = [first]
            time.sleep(rng.uniform(0.0, 0.03))
        else:
            head = []
            time.sleep(rng.uniform(0.0, 0.08))
        os.kill(child.pid, signal.SIGKILL)
        child.stdin.close()
        out = child.stdout.read()  # not communicate(): it would skip what readline() already buffered
        child.stdout.close()
        child.stderr.close()
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL
        confirmed = [int(line) for line in "".join(head + [out]).splitlines() if line.strip()]
        assert confirmed == list(range(len(confirmed)))  # printed in order, no torn lines

        with ProgressStore.open(path) as store:
            assert store.notice is None, store.notice
            assert store._db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            stored = [a.question_id for a in store.answers("durable") if a.question_id.startswith(f"{run}-")]
        n = len(stored)
        # every confirmed answer is there; at most one more (committed, killed before it was printed)
        assert stored == [f"{run}-{i}" for i in range(n)]
        assert len(confirmed) <= n <= len(confirmed) + 1, (run, len(confirmed), n)
        expected[str(run)] = n

    # nothing from earlier runs was lost by later crashes either
    with ProgressStore.open(path) as store:
        every = [a.question_id for a in store.answers("durable")]
        first = store.answers("durable")[0] if every else None
    assert len(every) == sum(expected.values())
    assert sum(expected.values()) > RUNS  # the kills really landed mid-loop
    if first is not None:
        assert (first.chosen, first.correct, first.hints_used) == ((0, 5), True, 0)
