"""`tutor new ID`: write a commented lesson to start from (it passes `tutor check`)."""

from __future__ import annotations

import sys
from pathlib import Path


def run(args) -> int:
    from tutor.lesson.template import ID_PATTERN, SCHEMA_FILE, render_template

    lesson_id = args.id
    if not ID_PATTERN.match(lesson_id):
        print(f"tutor new: invalid id {lesson_id!r}: use lower-case letters, digits and dashes "
              "(at most 64, not starting with a dash)", file=sys.stderr)
        return 2
    text = render_template(lesson_id)
    output = args.output or f"{lesson_id}.yaml"
    if output == "-":
        sys.stdout.write(text)
        return 0
    path = Path(output)
    if path.is_dir():
        print(f"tutor new: {output} is a folder; give a file name with --output", file=sys.stderr)
        return 2
    if path.exists() and not args.force:
        print(f"tutor new: {output} already exists (use --force to overwrite)", file=sys.stderr)
        return 1
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"tutor new: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {output}")
    print(f"next: `tutor schema > {path.parent / SCHEMA_FILE}` for editor completion, then `tutor check {output}`")
    return 0
