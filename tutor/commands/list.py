"""`tutor list`: the available lessons (built-in, `--lessons DIR`, `TUTOR_LESSONS`)."""

from __future__ import annotations

import json
import sys


def run(args) -> int:
    from tutor.lesson.catalog import entries

    found = entries(getattr(args, "lessons", None) or [])
    if args.format == "json":
        sys.stdout.write(json.dumps([e.to_json() for e in found], indent=2, ensure_ascii=False) + "\n")
        return 0
    if not found:
        print("no lessons found (add a folder with --lessons DIR or TUTOR_LESSONS)")
        return 0
    width = max(len(e.id) for e in found)
    level_width = max(len(e.level) for e in found if e.level) if any(e.level for e in found) else 0
    for e in found:
        if e.valid:
            print(f"{e.id:<{width}}  {e.level:<{level_width}}  {e.minutes:>3} min  {e.title}")
        else:
            print(f"{e.id:<{width}}  (invalid: run tutor check {e.path})")
    return 0
