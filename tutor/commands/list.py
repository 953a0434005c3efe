"""`tutor list`: the available lessons (built-in, `--lessons DIR`, `TUTOR_LESSONS`)."""

from __future__ import annotations

from tutor.commands.common import out, out_json


def run(args) -> int:
    from tutor.lesson.catalog import entries

    found = entries(getattr(args, "lessons", None) or [])
    if args.format == "json":
        out_json([e.to_json() for e in found])
        return 0
    if not found:
        out("no lessons found (add a folder with --lessons DIR or TUTOR_LESSONS)")
        return 0
    width = max(len(e.id) for e in found)
    level_width = max(len(e.level) for e in found if e.level) if any(e.level for e in found) else 0
    for e in found:
        if e.valid:
            out(f"{e.id:<{width}}  {e.level:<{level_width}}  {e.minutes:>3} min  {e.title}")
        else:
            out(f"{e.id:<{width}}  invalid: {e.problem} (run `tutor check {e.path}`)")
    return 0
