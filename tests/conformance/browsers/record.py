"""Re-record a browser's observations: ``python -m tests.conformance.browsers.record chromium|firefox [--slow]``."""

from __future__ import annotations

import argparse
import importlib
import json

from .. import browsers_suite as suite
from . import matrix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.browsers.record")
    parser.add_argument("browser", choices=suite.BROWSERS)
    parser.add_argument("--slow", action="store_true", help=f"the cross-site POST after {matrix.LATE_WAIT} s")
    args = parser.parse_args(argv)
    driver = importlib.import_module(f"{__package__}.{args.browser}")
    why = driver.unavailable()
    if why:
        parser.exit(1, f"record: error: {why}\n")
    observed = driver.observe((matrix.LATE_POST,), matrix.LATE_WAIT) if args.slow else driver.observe()
    path = suite.fixture_path(args.browser, args.slow)
    path.write_text(json.dumps(observed, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
