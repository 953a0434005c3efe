"""The modes a lesson opens in: the one list the command line (`tutor open --mode`), its commands and the
lesson screen's mode strip and command palette read (pure data: importing it costs nothing)."""

from __future__ import annotations

#: mode -> (label in the mode strip, full name used in the command palette), in the strip's order.
MODES: dict[str, tuple[str, str]] = {
    "walkthrough": ("Walkthrough", "Walkthrough"),
    "moments": ("Moments", "Key moments"),
    "visual": ("Visual", "Visual quiz"),
    "practice": ("Practice", "Practice"),
    "test": ("Test", "Test"),
    "snapshot": ("Snapshot", "Snapshot"),
    "transcript": ("Transcript", "Transcript"),
    "play": ("Play", "Playground"),
    "challenges": ("Challenges", "Challenges"),
}
#: The mode names, in order (`tutor open --mode` choices).
MODE_NAMES: tuple[str, ...] = tuple(MODES)

__all__ = ["MODES", "MODE_NAMES"]
