"""`tutor list`: the available lessons (built-in, `--lessons DIR`, `TUTOR_LESSONS`)."""

from __future__ import annotations

from tutor.commands.common import out, out_json
from tutor.lesson.visible import visible


def run(args) -> int:
    from tutor.lesson.catalog import entries

    found = entries(getattr(args, "lessons", None) or [])
    if args.format == "json":
        out_json([e.to_json() for e in found])
        return 0
    if not found:
        out("no lessons found (add a folder with --lessons DIR or TUTOR_LESSONS)")
        return 0
    ids = [visible(e.id) for e in found]  # padded as shown
    width = max(len(i) for i in ids)
    level_width = max(len(e.level) for e in found if e.level) if any(e.level for e in found) else 0
    for e, shown_id in zip(found, ids, strict=False):
        if e.valid:
            out(f"{shown_id:<{width}}  {e.level:<{level_width}}  {e.minutes:>3} min  {e.title}")
        else:
            out(f"{shown_id:<{width}}  invalid: {e.problem} (run `tutor check {e.path}`)")
    return 0
