"""Running `tutor` on a pseudo-terminal, as a person does (shared by the CLI tests that need a terminal)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

WAIT = 60.0  # how long `tutor` may take before the test fails (a bound against a hang, not a speed check)


def run_on_a_pty(
    argv: list[str], env: dict[str, str], cwd: Path, *, stdin_tty: bool = True, stdout_to: Path | None = None
) -> tuple[int, str]:
    """`tutor ARGV` with a pseudo-terminal as stderr and stdout (unless ``stdout_to`` names a file) and
    stdin (unless ``stdin_tty`` is false: then no input at all); its exit code and all the terminal got.
    A `tutor` still running after :data:`WAIT` seconds is killed and the test fails."""
    master, slave = pty.openpty()
    out = open(stdout_to, "wb") if stdout_to else slave
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "tutor", *argv],
            cwd=cwd,
            env=env,
            stdin=slave if stdin_tty else subprocess.DEVNULL,
            stdout=out,
            stderr=slave,
        )
    finally:
        if stdout_to:
            out.close()
        os.close(slave)
    data = b""
    deadline = time.monotonic() + WAIT
    try:
        while True:  # read as it comes (a child writing more than the terminal buffers would block)
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                child.kill()
                child.wait()
                pytest.fail(f"`tutor {' '.join(argv)}` was still running after {WAIT:.0f} s")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            data += chunk
    finally:
        os.close(master)
    try:
        code = child.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        pytest.fail(f"`tutor {' '.join(argv)}` closed the terminal but did not exit")
    return code, data.decode("utf-8")  # strict: tutor writes UTF-8 only
