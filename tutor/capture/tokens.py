"""A JWT or JWE in a cookie value, read without a key: the header (and a JWT's claims), *unverified*.

RFC 7519 §7.2 (a JWT: three base64url parts, the first a JOSE header) and RFC 7516 §7.1 (a JWE in the
compact serialization: five parts; only the header is readable). next-auth v4/v5 session tokens are JWEs
(``alg: dir``, ``enc: A256CBC-HS512`` or ``A256GCM``), so only their header can be shown. Nothing here checks
a signature: every result is labelled unverified by whoever shows it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote


@dataclass(frozen=True, slots=True)
class TokenView:
    kind: str
    """``JWT`` or ``JWE``."""
    header: dict[str, Any]
    claims: dict[str, Any] | None
    """A JWT's payload as sent (unverified); ``None`` for a JWE (encrypted)."""

    @property
    def exp(self) -> int | None:
        value = (self.claims or {}).get("exp")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def _b64json(part: str) -> dict[str, Any] | None:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def token_header(value: str) -> dict[str, Any] | None:
    """The JOSE header a cookie value starts with (its first dot-separated part decodes to a JSON object
    with ``alg``), or ``None``: it tells a JWT/JWE from an opaque ID even when the rest was redacted (the
    recorded fixtures keep only the header)."""
    text = unquote(value)
    if "." not in text or len(text) > 16384:
        return None
    header = _b64json(text.split(".", 1)[0])
    return header if header is not None and "alg" in header else None


def read_token(value: str) -> TokenView | None:
    """The token in a cookie value (percent-decoded first), or ``None`` when it is not one."""
    text = unquote(value)
    parts = text.split(".")
    if len(parts) not in (3, 5):
        return None
    header = token_header(value)
    if header is None:
        return None
    if len(parts) == 5:
        return TokenView("JWE", header, None)
    claims = _b64json(parts[1])
    return TokenView("JWT", header, claims) if claims is not None else None


__all__ = ["TokenView", "read_token", "token_header"]
