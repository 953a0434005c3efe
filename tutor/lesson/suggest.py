"""``did you mean …?`` hints: the one spelling-suggestion rule every positioned error uses.

Its own module so that the catalog (which must not import the lesson model) and the validator share it
without importing each other.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: object, options: Iterable[str]) -> str | None:
    """``"did you mean `x`?"`` for the closest option, or None."""
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
