"""The jar held to the IETF http-state working group's cookie tests (abarth/http-state, vendored in
``data/http-state/``; see its README for the source commit and licence).

* **parser** (``parser.json``, 222 cases): the ``Set-Cookie`` headers a response to
  ``http://home.example.org:8888/cookie-parser?NNNN`` carries, and the cookies the browser then sends to
  ``/cookie-parser-result?NNNN`` (or the case's ``sent-to``). Run through :class:`CookieJar` exactly as
  a browser of kind chromium would, over http, same-site.
* **dates** (``dates/examples.json`` + ``dates/bsd-examples.json``, 70 cases): a cookie-date and the
  date it denotes (``null``: not a date), run through :func:`tutor.engine.setcookie.parse_cookie_date`.

The suite was written in 2010-2011 against RFC 6265; the model follows RFC 6265bis, which browsers follow
today. Where the two differ the case is listed below with the 6265bis rule (and what browsers do).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tutor.engine.cookies import CookieJar
from tutor.engine.setcookie import EPOCH, parse_cookie_date

NAME = "http-state"
TITLE = "IETF http-state cookie tests (abarth/http-state)"
ORDER = 10

DATA = Path(__file__).parent / "data" / "http-state"
SOURCE = "abarth/http-state@155e45c6168e6de2eb727193010fd12e3c789185"
#: The suite's dates (2019, 2027 expiries written as "the future") are read at this moment: the suite's
#: time, 2011-04-01 (RFC 6265's publication), so its far dates are in the future as its authors meant.
SUITE_NOW = int(datetime.datetime(2011, 4, 1, tzinfo=datetime.UTC).timestamp()) - EPOCH
ORIGIN = "http://home.example.org:8888/cookie-parser?"
RESULT = "http://home.example.org:8888/cookie-parser-result?"

_NAMELESS = (
    "a header without `=` (or with nothing before it) is a *nameless* cookie in RFC 6265bis §5.6 step 3, "
    "sent as its value alone (§5.8.3 step 6); RFC 6265 (2011), which this suite follows, dropped it. "
    'Browsers keep it (WPT `cookies/value/value.html`: "Set nameless cookie to its value")'
)
_NAMELESS_REPLACED = _NAMELESS + "; a later nameless cookie replaces an earlier one (same empty name, §5.7 step 23)"

#: Parser cases where RFC 6265bis (the model, and browsers today) differs from this 2011 suite.
PARSER_DIFFERENCES: dict[str, str] = {
    **{
        case: _NAMELESS
        for case in (
            "0004",
            "0021",
            "0023",
            "0024",
            "0025",
            "0026",
            "0028",
            "CHROMIUM0009",
            "CHROMIUM0010",
            "CHROMIUM0012",
            "MOZILLA0012",
            "MOZILLA0014",
            "NAME0017",
            "NAME0023",
            "NAME0025",
            "NAME0028",
            "NAME0031",
            "NAME0032",
        )
    },
    **{case: _NAMELESS_REPLACED for case in ("0027", "MOZILLA0015", "MOZILLA0016", "MOZILLA0017", "NAME0033")},
    "DISABLED_CHROMIUM0022": (
        "(disabled upstream) a NUL inside the value: the suite expected the value cut there; RFC 6265bis §5.6 "
        "step 1 ignores a header with a control character entirely, and real Chromium 156.0.8078.129 refuses "
        "the whole response (ERR_INVALID_HTTP_RESPONSE, measured), so neither stores anything"
    ),
    "DISABLED_CHROMIUM0023": (
        "(disabled upstream) a CR inside the value: on the wire Chromium 156.0.8078.129's HTTP parser ends the "
        "header line at it and stores `AAA=BB` (measured), as the suite expects; the model receives header "
        "values, not bytes, and RFC 6265bis §5.6 step 1 refuses a value with a control character"
    ),
    "OPTIONAL_DOMAIN0042": (
        '(optional upstream) `domain=foo.example.org; domain=`: the suite, after RFC 6265 §5.2.3 ("SHOULD '
        'ignore" an empty Domain), expects the first Domain to refuse the cookie; RFC 6265bis §5.7 step 7 takes '
        "the last Domain, empty, so the cookie is host-only, and so does real Chromium 156.0.8078.129 (measured)"
    ),
    "DISABLED_PATH0029": (
        "(disabled upstream) the suite expected `/cookie-parser-result/f%6Fo/bar` to path-match "
        "`Path=/cookie-parser-result/foo/bar` after percent-decoding; RFC 6265bis §5.1.4 compares the paths "
        "as they are (WPT `cookies/path/match-percent-encoded.https.window.js` holds browsers to that)"
    ),
}

#: Date cases where the model differs from the suite.
DATE_DIFFERENCES: dict[str, str] = {}


@dataclass(frozen=True)
class Result:
    case: str
    agrees: bool
    expected: str
    actual: str


def parser_cases() -> list[dict]:
    return json.loads((DATA / "parser.json").read_text(encoding="utf-8"))


def date_cases() -> list[dict]:
    cases = json.loads((DATA / "dates" / "examples.json").read_text(encoding="utf-8"))
    bsd = "\n".join(
        line
        for line in (DATA / "dates" / "bsd-examples.json").read_text(encoding="utf-8").splitlines()
        if not line.startswith("//")  # its BSD licence header
    )
    return cases + json.loads(bsd)


def _cookie_string(pairs: list[tuple[str, str]]) -> str:
    return "; ".join(f"{n}={v}" if n else v for n, v in pairs)


def run_parser_case(case: dict) -> Result:
    jar = CookieJar("chromium")
    number = case["test"]
    origin = urlsplit(ORIGIN + number)
    for header in case["received"]:
        jar.set_from_header(header, host=origin.hostname or "", path=origin.path, scheme="http", now=SUITE_NOW)
    target = urlsplit(urljoin(ORIGIN + number, case.get("sent-to", RESULT + number.lower())))
    sent = jar.cookies_for(host=target.hostname or "", path=target.path, scheme=target.scheme, now=SUITE_NOW)
    expected = _cookie_string([(c["name"], c["value"]) for c in case["sent"]])
    actual = _cookie_string([(c.name, c.value) for c in sent])
    return Result(number, expected == actual, expected, actual)


def _http_date(unix: int | None) -> str | None:
    if unix is None:
        return None
    return datetime.datetime.fromtimestamp(unix, datetime.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def run_date_case(case: dict) -> Result:
    actual = _http_date(parse_cookie_date(case["test"]))
    return Result(case["test"], actual == case["expected"], str(case["expected"]), str(actual))


def parser_results() -> list[Result]:
    return [run_parser_case(c) for c in parser_cases()]


def date_results() -> list[Result]:
    return [run_date_case(c) for c in date_cases()]


def _cell(text: str) -> str:
    shown = text.encode("unicode_escape").decode("ascii").replace("|", "\\|").replace("`", "'")
    return f"`{shown}`" if shown else "(nothing)"


def section() -> str:
    parser, dates = parser_results(), date_results()
    lines = [
        f"Source: `{SOURCE}` (`tests/conformance/data/http-state/`), run by `tests/conformance/httpstate_suite.py`.",
        "The parser cases are replayed through the jar (kind chromium, over http, same-site) at the suite's",
        "own time, 2011-04-01; the date cases through the RFC 6265bis §5.1.1 cookie-date algorithm.",
        "The Chromium 156 measurements a reason cites are remade on every run by",
        "`tests/conformance/test_chromium_setcookie.py` (skipped, saying why, without Chromium).",
        "",
        "| part | cases | agree | expected differences |",
        "| --- | --- | --- | --- |",
        f"| parser | {len(parser)} | {sum(r.agrees for r in parser)} | {len(PARSER_DIFFERENCES)} |",
        f"| dates | {len(dates)} | {sum(r.agrees for r in dates)} | {len(DATE_DIFFERENCES)} |",
    ]
    for title, results, listed in (("parser", parser, PARSER_DIFFERENCES), ("dates", dates, DATE_DIFFERENCES)):
        differing = [r for r in results if not r.agrees]
        if not differing:
            continue
        lines += [
            "",
            f"Expected differences ({title}):",
            "",
            "| case | suite expects | model | why |",
            "| --- | --- | --- | --- |",
        ]
        notes: list[str] = []
        for r in differing:
            why = listed.get(r.case, "**not listed: a bug**")
            if why not in notes:
                notes.append(why)
            lines.append(f"| {_cell(r.case)} | {_cell(r.expected)} | {_cell(r.actual)} | [{notes.index(why) + 1}] |")
        lines += [""] + [f"[{i}]: {why}  " for i, why in enumerate(notes, 1)]
    return "\n".join(lines) + "\n"
