"""Seeded, deterministic session IDs.

A real server draws IDs from a CSPRNG (``secrets.token_hex(32)``); the tutor uses ``random.Random(seed)``
so that a scenario replays with the same IDs every time. The *shape* is what OWASP asks for: 128 random
bits (well over the 64-bit minimum), written as 32 hex characters, meaning nothing by themselves.
"""

from __future__ import annotations

import random

#: Bits of randomness in every ID.
ID_BITS = 128


class IdGenerator:
    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def new_id(self) -> str:
        """A fresh 128-bit ID as 32 lower-case hex characters."""
        return f"{self._random.getrandbits(ID_BITS):032x}"


def abbreviate(value: str | None, keep: int = 8) -> str:
    """``3f2a9c1e…`` for tables; short values are shown whole."""
    if value is None:
        return ""
    return value if len(value) <= keep + 1 else value[:keep] + "…"


__all__ = ["ID_BITS", "IdGenerator", "abbreviate"]
