"""First frame and peak memory of `tutor open capture.har` on a large capture (issue 20), in tmux.

The capture is generated: ``entries`` requests (default 20,000) of a next-auth-like app, each response
with a body of ``body_bytes`` (default 10,000: a 20,000-entry capture of about 200 MB, as real ones with
bodies are), a session cookie sent on every request and renewed every 100th. Launches alternate: the
lesson `session-lifecycle` with a warm lesson cache, then the capture; each figure is the median, and the
goal is the capture's first frame at most 1.5× the lesson's. Peak memory (VmHWM, 0.5 s after the marker)
is reported for both, and the heap then (RssAnon): the capture's one up-front pass maps the whole file,
whose pages count in VmHWM while mapped, not in RssAnon.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.frame_bench import LESSON_MARKER, _env, _tutor_argv
from bench.tmuxrun import Marker, Tmux

CAPTURE_MARKER = Marker(texts=("Walkthrough", "GET /"), footer=("Next",))
GOAL = 1.5


def write_capture(path: Path, entries: int = 20_000, body_bytes: int = 10_000) -> int:
    """Write the generated capture; returns its size in bytes. Written entry by entry (bounded memory)."""
    body = "x" * body_bytes
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [\n')
        for i in range(entries):
            second, minute = i % 60, (i // 60) % 60
            hour = 10 + i // 3600
            at = f"2026-01-01T{hour % 24:02d}:{minute:02d}:{second:02d}.000Z"
            day = 2 + (hour // 24)
            req = [
                {"name": "cookie", "value": f"next-auth.session-token=tok{i // 100}; theme=dark"},
                {"name": "sec-fetch-site", "value": "same-origin"},
                {"name": "sec-fetch-mode", "value": "navigate"},
                {"name": "sec-fetch-dest", "value": "document"},
            ]
            resp = []
            if i % 100 == 99:
                resp.append(
                    {
                        "name": "set-cookie",
                        "value": f"next-auth.session-token=tok{(i + 1) // 100}; Path=/; "
                        f"Expires=Sat, {day % 28 + 1:02d} Feb 2026 10:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
                    }
                )
            entry = {
                "startedDateTime": at,
                "time": 5,
                "_resourceType": "document",
                "request": {
                    "method": "GET",
                    "url": f"https://app.example/page/{i}",
                    "httpVersion": "h2",
                    "headers": req,
                    "cookies": [],
                },
                "response": {
                    "status": 200,
                    "statusText": "",
                    "httpVersion": "h2",
                    "headers": resp,
                    "cookies": [],
                    "content": {"size": body_bytes, "mimeType": "text/html", "text": body},
                    "redirectURL": "",
                },
                "timings": {"send": 0, "wait": 4, "receive": 1},
            }
            fh.write(("," if i else "") + json.dumps(entry) + "\n")
        fh.write("]}}\n")
    return path.stat().st_size


@dataclass
class CaptureResult:
    lesson: list[float]
    capture: list[float]
    lesson_kib: list[int]
    capture_kib: list[int]
    size: int
    entries: int
    screen: str
    lesson_cpu: list[float] = field(default_factory=list)
    capture_cpu: list[float] = field(default_factory=list)
    lesson_anon_kib: list[int] = field(default_factory=list)
    capture_anon_kib: list[int] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.capture) / statistics.median(self.lesson)

    @property
    def cpu_ratio(self) -> float:
        return statistics.median(self.capture_cpu) / statistics.median(self.lesson_cpu)


def run(root: Path, runs: int = 5, entries: int = 20_000, body_bytes: int = 10_000) -> CaptureResult:
    with tempfile.TemporaryDirectory(prefix="tutor-bench-capture-") as tmp, Tmux(100, 30) as tmux:
        har = Path(tmp) / "big.har"
        size = write_capture(har, entries, body_bytes)
        env = _env(tempfile.mkdtemp(prefix="warm-", dir=tmp))
        lesson = [*_tutor_argv(root), "open", "session-lifecycle"]
        capture = [*_tutor_argv(root), "open", str(har)]
        for argv, marker in ((lesson, LESSON_MARKER), (capture, CAPTURE_MARKER)):  # warm caches (OS, lesson)
            tmux.first_frame(argv, marker, env=env, cwd=str(root))
        result = CaptureResult([], [], [], [], size, entries, "")
        for _ in range(runs):
            f = tmux.first_frame(lesson, LESSON_MARKER, env=env, cwd=str(root), settle=0.5)
            result.lesson.append(f.seconds)
            result.lesson_cpu.append(f.cpu_s or 0.0)
            result.lesson_kib.append(f.vm_hwm_kib or 0)
            result.lesson_anon_kib.append(f.rss_anon_kib or 0)
            f = tmux.first_frame(capture, CAPTURE_MARKER, env=env, cwd=str(root), settle=0.5)
            result.capture.append(f.seconds)
            result.capture_cpu.append(f.cpu_s or 0.0)
            result.capture_kib.append(f.vm_hwm_kib or 0)
            result.capture_anon_kib.append(f.rss_anon_kib or 0)
            result.screen = f.screen
    return result
