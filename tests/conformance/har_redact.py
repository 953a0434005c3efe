"""Redact a HAR capture so it can be committed: ``python -m tests.conformance.har_redact IN.har OUT.har``.

Every cookie value (``request.cookies``, ``response.cookies``, the ``Cookie`` and ``Set-Cookie`` headers),
every credential header (``Authorization`` …), every form field value and every query value becomes
``redacted-<12 hex>``: the first 12 hex digits of an HMAC-SHA-256 of the value under a key made for this run,
so within one file equal values stay equal and different values stay different (a rotation is still seen),
but a low-entropy value (a password) cannot be confirmed by hashing guesses. A JWT or JWE keeps its first
segment (the protected header, base64url JSON: ``alg``/``enc`` stay readable) and the rest becomes one
placeholder: ``<header>.redacted-<12 hex>``. A value longer than its placeholder keeps its length (the
placeholder is padded with ``_``): the browser's size rules (a cookie over 4096 bytes is ignored, RFC 6265bis
§5.7 step 3; next-auth's chunking at 4096) decide a replay of the redacted file as they decided the real
one. ``postData.text`` and ``content.text`` are removed. Every other
field (timings, ``_resourceType``, ``_initiator``, header names, ``Set-Cookie`` attributes, statuses,
``Location``, HTTP/2 pseudo-headers) is kept as recorded. An empty value stays empty (a deletion is a
deletion).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: a redacted value, alone or after a kept JWT/JWE header
REDACTED = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?redacted-[0-9a-f]{12}_*$")
#: headers whose whole value is a credential
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-csrf-token", "x-xsrf-token"})
#: query parameters kept as recorded (the capture's own navigation, no secret)
PLAIN_QUERY = frozenset({"k", "what", "m", "t", "callbackurl"})


class Redactor:
    def __init__(self, key: bytes | None = None) -> None:
        self.key = key if key is not None else secrets.token_bytes(32)

    def placeholder(self, value: str) -> str:
        return "redacted-" + hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:12]

    def value(self, value: str) -> str:
        """One secret value (empty stays empty; a JWT/JWE keeps its header segment)."""
        if value == "" or REDACTED.match(value):
            return value
        head, dot, _ = value.partition(".")
        if dot and _is_jose_header(head):
            shown = f"{head}.{self.placeholder(value)}"
        else:
            shown = self.placeholder(value)
        return shown.ljust(len(value.encode("utf-8")), "_")  # the same size in bytes (see the module docstring)

    def set_cookie(self, header: str) -> str:
        """``name=value; attrs`` → ``name=<redacted>; attrs`` (attributes kept byte for byte)."""
        pair, semi, attrs = header.partition(";")
        name, eq, value = pair.partition("=")
        if not eq:  # a nameless cookie: the whole pair is its value
            return self.value(pair.strip()) + semi + attrs
        return f"{name}={self.value(value.strip())}{semi}{attrs}"

    def cookie_header(self, header: str) -> str:
        parts = []
        for piece in header.split(";"):
            name, eq, value = piece.partition("=")
            parts.append(f"{name}={self.value(value)}" if eq else self.value(piece.strip()))
        return ";".join(f" {p}" if i else p for i, p in enumerate(part.strip() for part in parts))

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.query:
            return url
        query = [(k, v if _plain(k) else self.value(v)) for k, v in parse_qsl(parts.query, True)]
        return urlunsplit(parts._replace(query=urlencode(query, safe="/:")))

    def headers(self, headers: list[dict[str, Any]]) -> None:
        for h in headers:
            name = str(h.get("name", "")).lower()
            if name == "set-cookie":  # Chromium joins several into one value with newlines
                h["value"] = "\n".join(self.set_cookie(line) for line in str(h["value"]).split("\n"))
            elif name == "cookie":
                h["value"] = self.cookie_header(str(h["value"]))
            elif name in SECRET_HEADERS:
                h["value"] = self.value(str(h["value"]))
            elif name in ("referer", ":path", "location"):
                h["value"] = self.url(str(h["value"]))

    def message(self, message: dict[str, Any]) -> None:
        self.headers(message.get("headers", []))
        for cookie in message.get("cookies", []):
            cookie["value"] = self.value(str(cookie.get("value", "")))
        for q in message.get("queryString", []):
            if not _plain(str(q.get("name", ""))):
                q["value"] = self.value(str(q.get("value", "")))
        if "url" in message:
            message["url"] = self.url(message["url"])
        if "redirectURL" in message and message["redirectURL"]:
            message["redirectURL"] = self.url(message["redirectURL"])
        post = message.get("postData")
        if post is not None:
            post.pop("text", None)
            for param in post.get("params", []):
                param["value"] = self.value(str(param.get("value", "")))
        content = message.get("content")
        if content is not None:
            content.pop("text", None)
            content.pop("encoding", None)


def _plain(name: str) -> bool:
    # the matrix server's fetch() URL is HTML-escaped inside a <script>, so Chromium requests ``&amp;what=``
    return name.lower().removeprefix("amp;") in PLAIN_QUERY


def _is_jose_header(segment: str) -> bool:
    try:
        data = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(data, dict) and "alg" in data


def redact(har: dict[str, Any], key: bytes | None = None) -> dict[str, Any]:
    """Redact ``har`` in place (and return it). Pages' titles are URLs too: their queries are redacted."""
    r = Redactor(key)
    log = har["log"]
    for page in log.get("pages", []):
        if isinstance(page.get("title"), str) and "://" in page["title"]:
            page["title"] = r.url(page["title"])
    for entry in log.get("entries", []):
        r.message(entry["request"])
        r.message(entry["response"])
    return har


def dumps(har: dict[str, Any]) -> str:
    return json.dumps(har, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.har_redact")
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    try:
        har = json.loads(args.source.read_text(encoding="utf-8"))
        har["log"]["entries"]  # noqa: B018 - a HAR has them
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"har_redact: error: {args.source}: not a HAR file ({error})", file=sys.stderr)
        return 1
    args.out.write_text(dumps(redact(har)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
