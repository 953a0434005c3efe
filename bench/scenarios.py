"""Generated scenarios and lessons for the benchmarks (deterministic: seeded ``random.Random``)."""

from __future__ import annotations

import random
import re
from pathlib import Path

from tutor.engine.scenario import EngineOptions, Event, Scenario, Steal, Tamper, Xss

BROWSERS = ("browser", "phone", "laptop", "tablet")
PAGES = ("GET /", "GET /dashboard", "GET /api/session", "GET /", "GET /dashboard", "POST /transfer", "GET /login")


def mixed_events(count: int, seed: int = 1) -> list[Event | str]:
    """A realistic mix: several browsers browsing, signing in and out, time passing.

    Roughly: 60% page requests, 10% logins (some with a wrong password), 7% logouts, 15% clock
    advances (mostly short, sometimes past the idle timeout), and the rest cross-site requests,
    cookie clearing, theft, tampering, XSS and server restarts.
    """
    rng = random.Random(seed)
    users = ("alice", "bob")
    events: list[Event | str] = []
    for _ in range(count):
        who = rng.choice(BROWSERS)
        r = rng.random()
        if r < 0.55:
            events.append(Event(request=rng.choice(PAGES), as_=who))
        elif r < 0.60:
            events.append(Event(request=rng.choice(PAGES), as_=who, cross_site=True, top_level=rng.random() < 0.5))
        elif r < 0.70:
            user = rng.choice(users)
            wrong = rng.random() < 0.15
            events.append(Event(login=user, as_=who, password="wrong-password" if wrong else None))
        elif r < 0.77:
            events.append(Event(logout=None, as_=who))
        elif r < 0.92:
            minutes = rng.choice((1, 2, 5, 10, 20)) if rng.random() < 0.85 else rng.choice((31, 45, 90))
            events.append(Event(advance=f"{minutes}m"))
        elif r < 0.94:
            events.append(Event(clear_cookies=None, as_=who))
        elif r < 0.96:
            events.append(Event(steal=Steal(from_=who, to="attacker")))
        elif r < 0.97:
            events.append(Event(tamper=Tamper(value="forged-" + str(rng.randrange(10**6))), as_=who))
        elif r < 0.98:
            events.append(Event(xss=Xss(to="attacker"), as_=who))
        elif r < 0.985:
            events.append("restart_server")
        else:
            events.append(Event(request="GET /dashboard", as_="attacker"))
    return events


def mixed_scenario(count: int, strategy: str = "database", store: str = "memory", seed: int = 1) -> Scenario:
    engine = EngineOptions(strategy=strategy, store=store, seed=seed)  # type: ignore[arg-type]
    return Scenario(engine=engine, events=mixed_events(count, seed))


_ID_LINE = re.compile(r"^id: *(\S+) *$", re.M)


def builtin_lessons(root: Path) -> list[Path]:
    return sorted((root / "lessons").glob("*.yaml"))


def write_lesson_copies(sources: list[Path], dest: Path, count: int) -> list[Path]:
    """``count`` lesson files in ``dest``, copies of ``sources`` in turn, each with its own id."""
    if not sources:
        raise FileNotFoundError("no built-in lessons to copy")
    texts = [p.read_text(encoding="utf-8") for p in sources]
    written = []
    for i in range(count):
        text = texts[i % len(texts)]
        m = _ID_LINE.search(text)
        if not m:
            raise ValueError(f"{sources[i % len(sources)]}: no top-level `id:` line")
        new_id = f"{m.group(1)[:50]}-{i:04d}"
        out = dest / f"{new_id}.yaml"
        out.write_text(text[: m.start()] + f"id: {new_id}" + text[m.end() :], encoding="utf-8")
        written.append(out)
    return written
